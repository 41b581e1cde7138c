// Package kernel is netstar's Jupyter kernel: the Jupyter messaging
// protocol (version 5.3) over ZeroMQ (github.com/go-zeromq/zmq4, pure
// Go), in front of one interp.Session in which every cell runs, as if
// typed into the REPL. Python cells are translated as the REPL does
// (translate.SuggestContext when netstar's dialect does not parse them).
//
// Shell, control and stdin are ROUTER sockets, iopub a PUB and hb a REP
// that echoes. Every message is signed with HMAC-SHA256 under the
// connection file's key; messages with a wrong signature are dropped
// and logged. Cells run on the shell goroutine; control is served on its
// own goroutine, so an interrupt_request (or a SIGINT) stops a running
// cell as Ctrl-C does in the REPL.
package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/go-zeromq/zmq4"
	"github.com/netstar/netstar/repl/interp"
	"go.starlark.net/starlark"
)

// Config configures Run.
type Config struct {
	// Conn is the parsed connection file.
	Conn *ConnectionInfo
	// Log receives the kernel's own diagnostics (bad signatures,
	// malformed messages); nil is os.Stderr.
	Log io.Writer
	// Signals makes the kernel handle SIGINT (interrupt the cell) and
	// SIGTERM (shut down), and watch its parent process: when the
	// parent goes away the kernel exits. The netstar kernel command sets
	// it; tests running a kernel in-process leave it off.
	Signals bool
	// Session, if set, runs the cells; nil makes a new one. Run closes
	// the session it made.
	Session *interp.Session
}

// Kernel is one running kernel.
type Kernel struct {
	ci      *ConnectionInfo
	sign    *signer
	ids     *ids
	session string // the kernel's own session id, in every header it sends
	log     *log.Logger

	shell, control, stdin, iopub, hb zmq4.Socket
	shellMu, controlMu, stdinMu      sync.Mutex

	pub *publisher

	s       *interp.Session
	ownS    bool
	thread  *starlark.Thread
	globals starlark.StringDict
	count   int // execution_count

	stdout, stderr *stream

	mu        sync.Mutex
	parent    *Message           // the execute_request being run, or the last one
	running   context.CancelFunc // cancels the running cell, nil between cells
	cellCtx   context.Context
	allowIn   bool
	inputCh   chan *Message
	shutdown  chan struct{}
	closeOnce sync.Once
	result    starlark.Value
}

// Run starts a kernel on cfg.Conn and serves it until a shutdown_request,
// until ctx is cancelled, or (with cfg.Signals) until SIGTERM or the
// parent process goes away.
func Run(ctx context.Context, cfg Config) error {
	k, err := Start(ctx, cfg)
	if err != nil {
		return err
	}
	defer k.Close()
	select {
	case <-ctx.Done():
	case <-k.shutdown:
	}
	return nil
}

// Start binds the kernel's sockets and starts serving them. Call Close
// to stop it; Done is closed when a shutdown_request arrives.
func Start(ctx context.Context, cfg Config) (*Kernel, error) {
	if cfg.Conn == nil {
		return nil, fmt.Errorf("kernel: no connection info")
	}
	if cfg.Log == nil {
		cfg.Log = os.Stderr
	}
	sg, err := newSigner(cfg.Conn.SignatureScheme, cfg.Conn.Key)
	if err != nil {
		return nil, fmt.Errorf("kernel: %w", err)
	}
	k := &Kernel{
		ci:       cfg.Conn,
		sign:     sg,
		ids:      newIDs(),
		session:  uuid(),
		log:      log.New(cfg.Log, "netstar kernel: ", log.LstdFlags),
		s:        cfg.Session,
		inputCh:  make(chan *Message, 1),
		shutdown: make(chan struct{}),
	}
	if k.s == nil {
		k.s = interp.New(interp.Config{Argv: []string{""}})
		k.ownS = true
	}
	zctx := context.Background()
	k.shell = zmq4.NewRouter(zctx, zmq4.WithID(zmq4.SocketIdentity(k.session)))
	k.control = zmq4.NewRouter(zctx, zmq4.WithID(zmq4.SocketIdentity(k.session)))
	k.stdin = zmq4.NewRouter(zctx, zmq4.WithID(zmq4.SocketIdentity(k.session)))
	k.iopub = zmq4.NewPub(zctx)
	k.hb = zmq4.NewRep(zctx)
	for _, b := range []struct {
		name string
		sck  zmq4.Socket
		port int
	}{{"shell", k.shell, k.ci.ShellPort}, {"control", k.control, k.ci.ControlPort}, {"stdin", k.stdin, k.ci.StdinPort}, {"iopub", k.iopub, k.ci.IOPubPort}, {"hb", k.hb, k.ci.HBPort}} {
		if err := b.sck.Listen(k.ci.endpoint(b.port)); err != nil {
			k.closeSockets()
			if k.ownS {
				k.s.Close()
			}
			return nil, fmt.Errorf("kernel: binding %s to %s: %w", b.name, k.ci.endpoint(b.port), err)
		}
	}
	k.pub = newPublisher(k)
	k.stdout = newStream(k, "stdout")
	k.stderr = newStream(k, "stderr")
	k.s.SetStdout(k.stdout)
	k.s.SetStderr(k.stderr)
	k.s.SetInput(k.input)
	k.thread = k.s.NewThread("main")
	k.globals = k.s.Predeclared("__main__")
	k.globals[resultFunc] = starlark.NewBuiltin(resultFunc, k.keepResult)

	go k.serveHeartbeat()
	go k.serve(k.shell, &k.shellMu, "shell")
	go k.serve(k.control, &k.controlMu, "control")
	go k.serveStdin()
	if cfg.Signals {
		k.watch(ctx)
	}
	k.publish(nil, "status", map[string]any{"execution_state": "starting"})
	return k, nil
}

// Done is closed when the kernel was asked to shut down.
func (k *Kernel) Done() <-chan struct{} { return k.shutdown }

// Close stops the kernel: the running cell is interrupted, the sockets
// and (if the kernel made it) the session are closed.
func (k *Kernel) Close() error {
	k.closeOnce.Do(func() {
		k.interrupt()
		select {
		case <-k.shutdown:
		default:
			close(k.shutdown)
		}
		k.stdout.flush()
		k.stderr.flush()
		k.pub.close()
		k.closeSockets()
		if k.ownS {
			k.s.Close()
		}
	})
	return nil
}

func (k *Kernel) closeSockets() {
	for _, s := range []zmq4.Socket{k.shell, k.control, k.stdin, k.iopub, k.hb} {
		if s != nil {
			s.Close()
		}
	}
}

// requestShutdown ends Run.
func (k *Kernel) requestShutdown() {
	k.mu.Lock()
	defer k.mu.Unlock()
	select {
	case <-k.shutdown:
	default:
		close(k.shutdown)
	}
}

// watch handles SIGINT and SIGTERM and polls the parent process.
func (k *Kernel) watch(ctx context.Context) {
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	ppid := os.Getppid()
	go func() {
		defer signal.Stop(sigs)
		tick := time.NewTicker(500 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case sig := <-sigs:
				if sig == syscall.SIGTERM {
					k.requestShutdown()
					return
				}
				k.interrupt()
			case <-tick.C:
				if ppid != 1 && os.Getppid() != ppid {
					k.log.Printf("parent process %d went away: shutting down", ppid)
					k.requestShutdown()
					return
				}
			case <-k.shutdown:
				return
			case <-ctx.Done():
				return
			}
		}
	}()
}

func (k *Kernel) serveHeartbeat() {
	for {
		msg, err := k.hb.Recv()
		if err != nil {
			return
		}
		if err := k.hb.Send(msg); err != nil {
			return
		}
	}
}

// serve reads requests from shell or control and handles them in order.
func (k *Kernel) serve(sck zmq4.Socket, mu *sync.Mutex, name string) {
	for {
		raw, err := sck.Recv()
		if err != nil {
			select {
			case <-k.shutdown:
			default:
				if !errors.Is(err, context.Canceled) {
					k.log.Printf("%s: %v", name, err)
				}
			}
			return
		}
		msg, err := k.sign.decode(raw.Frames)
		if err != nil {
			k.log.Printf("%s: message refused: %v", name, err)
			continue
		}
		r := &request{k: k, sck: sck, mu: mu, msg: msg}
		k.handle(r, name)
	}
}

// serveStdin passes input_reply messages to the waiting input().
func (k *Kernel) serveStdin() {
	for {
		raw, err := k.stdin.Recv()
		if err != nil {
			return
		}
		msg, err := k.sign.decode(raw.Frames)
		if err != nil {
			k.log.Printf("stdin: message refused: %v", err)
			continue
		}
		if msg.Header.MsgType != "input_reply" {
			k.log.Printf("stdin: unexpected %q message", msg.Header.MsgType)
			continue
		}
		select {
		case k.inputCh <- msg:
		default:
			k.log.Printf("stdin: input_reply without an input request")
		}
	}
}

// request is a message received on shell or control, with what is
// needed to reply to it.
type request struct {
	k   *Kernel
	sck zmq4.Socket
	mu  *sync.Mutex
	msg *Message
}

// header returns the request's header as the parent of a reply.
func (m *Message) parentJSON() json.RawMessage {
	if m == nil {
		return nil
	}
	b, _ := json.Marshal(m.Header) // a struct of strings always encodes
	return b
}

// newMessage makes a message of msgType in answer to parent (nil for none).
func (k *Kernel) newMessage(parent *Message, msgType string, content any) (*Message, error) {
	c, err := json.Marshal(content)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: %w", msgType, err)
	}
	m := &Message{
		Header: Header{
			MsgID:    k.ids.next(),
			Session:  k.session,
			Username: "netstar",
			Date:     now(),
			MsgType:  msgType,
			Version:  ProtocolVersion,
		},
		Parent:  parent.parentJSON(),
		Content: c,
	}
	return m, nil
}

// reply sends a reply to r on the socket it came from.
func (r *request) reply(msgType string, content any) {
	m, err := r.k.newMessage(r.msg, msgType, content)
	if err != nil {
		r.k.log.Print(err)
		return
	}
	m.Identities = r.msg.Identities
	r.k.send(r.sck, r.mu, m)
}

func (k *Kernel) send(sck zmq4.Socket, mu *sync.Mutex, m *Message) {
	frames, err := k.sign.encode(m)
	if err != nil {
		k.log.Print(err)
		return
	}
	mu.Lock()
	defer mu.Unlock()
	if err := sck.SendMulti(zmq4.NewMsgFrom(frames...)); err != nil {
		select {
		case <-k.shutdown:
		default:
			k.log.Printf("sending %s: %v", m.Header.MsgType, err)
		}
	}
}

// publish queues a message on iopub; it never blocks.
func (k *Kernel) publish(parent *Message, msgType string, content any) {
	m, err := k.newMessage(parent, msgType, content)
	if err != nil {
		k.log.Print(err)
		return
	}
	m.Identities = [][]byte{[]byte("kernel." + k.session + "." + msgType)}
	k.pub.push(m)
}

func (k *Kernel) status(parent *Message, state string) {
	k.publish(parent, "status", map[string]any{"execution_state": state})
}

// publisher sends iopub messages in order from one goroutine, with an
// unbounded queue: iopub must never block the kernel (zmq4's PUB has one
// shared queue).
type publisher struct {
	k      *Kernel
	mu     sync.Mutex
	cond   *sync.Cond
	queue  []*Message
	closed bool
	done   chan struct{}
}

func newPublisher(k *Kernel) *publisher {
	p := &publisher{k: k, done: make(chan struct{})}
	p.cond = sync.NewCond(&p.mu)
	go p.run()
	return p
}

func (p *publisher) push(m *Message) {
	p.mu.Lock()
	if !p.closed {
		p.queue = append(p.queue, m)
		p.cond.Signal()
	}
	p.mu.Unlock()
}

func (p *publisher) run() {
	defer close(p.done)
	var mu sync.Mutex
	for {
		p.mu.Lock()
		for len(p.queue) == 0 && !p.closed {
			p.cond.Wait()
		}
		if len(p.queue) == 0 {
			p.mu.Unlock()
			return
		}
		m := p.queue[0]
		p.queue[0] = nil
		p.queue = p.queue[1:]
		p.mu.Unlock()
		p.k.send(p.k.iopub, &mu, m)
	}
}

// close sends what is queued (for at most a second) and stops.
func (p *publisher) close() {
	p.mu.Lock()
	p.closed = true
	p.cond.Signal()
	p.mu.Unlock()
	select {
	case <-p.done:
	case <-time.After(time.Second):
	}
}
