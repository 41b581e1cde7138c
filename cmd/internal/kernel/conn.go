package kernel

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ConnectionInfo is a Jupyter connection file.
type ConnectionInfo struct {
	Transport       string `json:"transport"`
	IP              string `json:"ip"`
	ShellPort       int    `json:"shell_port"`
	ControlPort     int    `json:"control_port"`
	StdinPort       int    `json:"stdin_port"`
	IOPubPort       int    `json:"iopub_port"`
	HBPort          int    `json:"hb_port"`
	Key             string `json:"key"`
	SignatureScheme string `json:"signature_scheme"`
	KernelName      string `json:"kernel_name"`
}

// ErrConnectionFile marks an unreadable or invalid connection file.
var ErrConnectionFile = errors.New("bad connection file")

// ReadConnectionFile reads and checks a connection file.
func ReadConnectionFile(path string) (*ConnectionInfo, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConnectionFile, err)
	}
	return ParseConnectionInfo(path, data)
}

// ParseConnectionInfo parses the JSON of a connection file named name
// and checks that it has what the kernel needs.
func ParseConnectionInfo(name string, data []byte) (*ConnectionInfo, error) {
	var ci ConnectionInfo
	if err := json.Unmarshal(data, &ci); err != nil {
		return nil, fmt.Errorf("%w: %s: invalid JSON: %v", ErrConnectionFile, name, err)
	}
	if ci.Transport == "" {
		ci.Transport = "tcp"
	}
	if ci.Transport != "tcp" && ci.Transport != "ipc" {
		return nil, fmt.Errorf("%w: %s: transport %q is not supported (want tcp or ipc)", ErrConnectionFile, name, ci.Transport)
	}
	if ci.IP == "" {
		return nil, fmt.Errorf("%w: %s: no \"ip\"", ErrConnectionFile, name)
	}
	for _, p := range []struct {
		name string
		port int
	}{{"shell_port", ci.ShellPort}, {"control_port", ci.ControlPort}, {"stdin_port", ci.StdinPort}, {"iopub_port", ci.IOPubPort}, {"hb_port", ci.HBPort}} {
		if p.port <= 0 || p.port > 65535 {
			return nil, fmt.Errorf("%w: %s: %s %d is not a port (1-65535)", ErrConnectionFile, name, p.name, p.port)
		}
	}
	if ci.Key != "" && ci.SignatureScheme != "" && ci.SignatureScheme != "hmac-sha256" {
		return nil, fmt.Errorf("%w: %s: signature_scheme %q is not supported (want hmac-sha256)", ErrConnectionFile, name, ci.SignatureScheme)
	}
	return &ci, nil
}

// endpoint returns the ZeroMQ endpoint of a port.
func (ci *ConnectionInfo) endpoint(port int) string {
	if ci.Transport == "ipc" {
		return fmt.Sprintf("ipc://%s-%d", ci.IP, port)
	}
	ip := ci.IP
	if strings.Contains(ip, ":") && !strings.HasPrefix(ip, "[") {
		ip = "[" + ip + "]"
	}
	return fmt.Sprintf("tcp://%s:%d", ip, port)
}
