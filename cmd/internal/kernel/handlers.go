package kernel

import (
	"encoding/json"

	"github.com/netstar/netstar/builtins/i18n"
	"github.com/netstar/netstar/repl/interp"
)

// languageInfo is kernel_info's language_info: the course writes
// Python, so front-ends highlight and save cells as Python.
var languageInfo = map[string]any{
	"name":               "python",
	"version":            "3",
	"mimetype":           "text/x-python",
	"file_extension":     ".py",
	"codemirror_mode":    "python",
	"pygments_lexer":     "python3",
	"nbconvert_exporter": "python",
}

// handle answers one request, wrapped in busy and idle on iopub.
func (k *Kernel) handle(r *request, channel string) {
	t := r.msg.Header.MsgType
	switch t {
	case "interrupt_request":
		k.interrupt()
		r.reply("interrupt_reply", map[string]any{"status": "ok"})
		return
	case "shutdown_request":
		var c struct {
			Restart bool `json:"restart"`
		}
		_ = json.Unmarshal(r.msg.Content, &c) // a bad body is a plain shutdown
		k.interrupt()
		k.status(r.msg, "busy")
		r.reply("shutdown_reply", map[string]any{"status": "ok", "restart": c.Restart})
		k.status(r.msg, "idle")
		k.requestShutdown()
		return
	}
	k.status(r.msg, "busy")
	defer k.status(r.msg, "idle")
	switch t {
	case "kernel_info_request":
		r.reply("kernel_info_reply", map[string]any{
			"status":                 "ok",
			"protocol_version":       ProtocolVersion,
			"implementation":         "netstar",
			"implementation_version": interp.Version,
			"language_info":          languageInfo,
			"banner":                 i18n.T("repl.banner", interp.Version),
			"help_links":             []any{},
			"debugger":               false,
		})
	case "execute_request":
		if channel != "shell" {
			k.log.Printf("%s: execute_request ignored (only shell runs code)", channel)
			return
		}
		k.execute(r)
	case "complete_request":
		var c struct {
			Code      string `json:"code"`
			CursorPos int    `json:"cursor_pos"`
		}
		_ = json.Unmarshal(r.msg.Content, &c) // zero values complete nothing
		matches, start, end := k.complete(c.Code, c.CursorPos)
		r.reply("complete_reply", map[string]any{"status": "ok", "matches": matches, "cursor_start": start, "cursor_end": end, "metadata": map[string]any{}})
	case "inspect_request":
		var c struct {
			Code      string `json:"code"`
			CursorPos int    `json:"cursor_pos"`
		}
		_ = json.Unmarshal(r.msg.Content, &c)
		text, found := k.inspect(c.Code, c.CursorPos)
		data := map[string]any{}
		if found {
			data["text/plain"] = text
		}
		r.reply("inspect_reply", map[string]any{"status": "ok", "found": found, "data": data, "metadata": map[string]any{}})
	case "is_complete_request":
		var c struct {
			Code string `json:"code"`
		}
		_ = json.Unmarshal(r.msg.Content, &c)
		status, indent := isComplete(c.Code)
		content := map[string]any{"status": status}
		if status == "incomplete" {
			content["indent"] = indent
		}
		r.reply("is_complete_reply", content)
	case "comm_info_request":
		r.reply("comm_info_reply", map[string]any{"status": "ok", "comms": map[string]any{}})
	case "history_request":
		r.reply("history_reply", map[string]any{"status": "ok", "history": []any{}})
	case "connect_request":
		r.reply("connect_reply", map[string]any{"shell_port": k.ci.ShellPort, "iopub_port": k.ci.IOPubPort, "stdin_port": k.ci.StdinPort, "hb_port": k.ci.HBPort, "control_port": k.ci.ControlPort})
	case "comm_open", "comm_msg", "comm_close":
		// No comms: the protocol says to ignore messages for unknown targets.
	default:
		k.log.Printf("%s: unknown message type %q ignored", channel, t)
	}
}
