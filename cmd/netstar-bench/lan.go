package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/netstar/netstar/builtins/table"
	"github.com/netstar/netstar/modules/socket/netnstest"
)

func init() {
	register(command{name: "lan", summary: "netstar scan vs nmap -sT on a /24 with 4 live hosts × top 100 ports, with and without discovery (needs root, iproute2, iptables)", run: runLANBench})
}

// lanCheck counts the hosts a report found up and the listed ports whose
// state differs from what the LAN defines.
func lanCheck(lan *netnstest.LAN, path string) (up int, wrong []string, err error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, err
	}
	hosts, err := netnstest.UpHosts(data)
	if err != nil {
		return 0, nil, fmt.Errorf("%s: %w", path, err)
	}
	for ip, ports := range hosts {
		up++
		for port, got := range ports {
			if want := lan.Want(ip, port); want.State != "" && want.State != got.State {
				wrong = append(wrong, fmt.Sprintf("%s:%d %s (want %s)", ip, port, got.State, want.State))
			}
		}
	}
	return up, wrong, nil
}

func runLANBench(args []string) error {
	fs := flag.NewFlagSet("lan", flag.ContinueOnError)
	fs.SetOutput(stderr)
	nmapPath := fs.String("nmap", "nmap", "nmap binary")
	pn := fs.Bool("Pn", true, "also compare -Pn scans (nmap takes minutes there)")
	skipNmap := fs.Bool("skip-nmap", false, "run and check netstar only (no ratio)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	nmap, err := exec.LookPath(*nmapPath)
	if err != nil {
		return fmt.Errorf("needs nmap: %w", err)
	}
	if err := netnstest.Available(); err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	lan, err := netnstest.NewLAN(netnstest.LANConfig{Hosts: []netnstest.HostConfig{
		{Ports: map[int]netnstest.Behavior{22: netnstest.Open, 80: netnstest.Open, 443: netnstest.Open}},
		{Default: netnstest.PortUnreachable, Ports: map[int]netnstest.Behavior{22: netnstest.Open}},
		{Default: netnstest.Dropped, Ports: map[int]netnstest.Behavior{21: netnstest.Open}},
		{Ports: map[int]netnstest.Behavior{23: netnstest.AdminProhibited, 3389: netnstest.Dropped, 8080: netnstest.Open}},
	}})
	if err != nil {
		return err
	}
	defer lan.Close()
	dir, err := os.MkdirTemp("", "netstar-bench-lan")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	subnet := lan.Subnet().String()
	fmt.Fprintf(stdout, "netstar-bench lan: %s, 4 live hosts (RST, rate-limited ICMP port-unreachable, drop all but 21, ICMP admin-prohibited), the rest empty; top 100 ports; ICMP rate limits on; %s\n\n", subnet, scanNmapVersion(nmap))

	type scenario struct {
		name    string
		netstar []string
		nmap    []string
		wantUp  int
	}
	scenarios := []scenario{{"default timing", nil, nil, 5}} // the scanner itself is up too
	if *pn {
		scenarios = append(scenarios, scenario{"-Pn", []string{"-Pn"}, []string{"-Pn"}, -1})
	}
	var rows [][]string
	for _, sc := range scenarios {
		out := filepath.Join(dir, "netstar.xml")
		a := append([]string{"shards-child", subnet, "--top-ports", "100", "--netns", lan.Scanner.Path, "-oX", out}, sc.netstar...)
		ours, err := shardMeasure("netstar scan", exec.Command(self, a...))
		if err != nil {
			return err
		}
		upOurs, wrongOurs, err := lanCheck(lan, out)
		if err != nil {
			return err
		}
		if *skipNmap {
			fmt.Fprintf(stdout, "%s: netstar %s (%d up, %d wrong)\n", sc.name, scanSecs(ours.wall), upOurs, len(wrongOurs))
			for _, w := range wrongOurs {
				fmt.Fprintf(stdout, "netstar, %s: %s\n", sc.name, w)
			}
			continue
		}
		nout := filepath.Join(dir, "nmap.xml")
		na := append([]string{"-sT", "-n", "--top-ports", "100", subnet, "-oX", nout}, sc.nmap...)
		theirs, err := shardMeasure("nmap -sT", lan.Scanner.Command(nmap, na...))
		if err != nil {
			return err
		}
		upTheirs, wrongTheirs, err := lanCheck(lan, nout)
		if err != nil {
			return err
		}
		rows = append(rows,
			[]string{sc.name, "netstar scan", scanSecs(ours.wall), fmt.Sprint(upOurs), fmt.Sprint(len(wrongOurs)), fmt.Sprintf("%.2f", ours.wall.Seconds()/theirs.wall.Seconds())},
			[]string{sc.name, "nmap -sT " + strings.Join(sc.nmap, " "), scanSecs(theirs.wall), fmt.Sprint(upTheirs), fmt.Sprint(len(wrongTheirs)), "1"})
		fmt.Fprintf(stdout, "%s: netstar %s (%d up, %d wrong), nmap %s (%d up, %d wrong): ratio %.2f\n", sc.name,
			scanSecs(ours.wall), upOurs, len(wrongOurs), scanSecs(theirs.wall), upTheirs, len(wrongTheirs), ours.wall.Seconds()/theirs.wall.Seconds())
		for _, w := range wrongOurs {
			fmt.Fprintf(stdout, "netstar, %s: %s\n", sc.name, w)
		}
		for _, w := range wrongTheirs {
			fmt.Fprintf(stdout, "nmap, %s: %s\n", sc.name, w)
		}
		if sc.wantUp >= 0 && upOurs != sc.wantUp {
			fmt.Fprintf(stdout, "netstar, %s: %d hosts up, want %d\n", sc.name, upOurs, sc.wantUp)
		}
	}
	if len(rows) > 0 {
		fmt.Fprint(stdout, table.Render([]string{"scenario", "scanner", "wall", "hosts up", "wrong ports", "ratio (goal <= 0.5)"}, rows))
	}
	return nil
}
