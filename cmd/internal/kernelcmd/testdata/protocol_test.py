# Protocol checks of the netstar kernel through jupyter_client (Debian's
# python3-jupyter-client), run by TestProtocol (jupyter_test.go) under
# /usr/bin/python3 in a temporary Jupyter environment. The kernel's
# stderr goes to the file named by $KERNEL_STDERR.
import os, queue, sys, time, unittest
from jupyter_client.manager import KernelManager
from jupyter_client.session import Session

TIMEOUT = 30


class Protocol(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.errf = open(os.environ["KERNEL_STDERR"], "w")
        cls.km = KernelManager(kernel_name="netstar")
        cls.km.start_kernel(stderr=cls.errf)
        cls.kc = cls.km.client()
        cls.kc.start_channels()
        cls.kc.wait_for_ready(timeout=TIMEOUT)

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=False)
        cls.errf.close()

    def run_cell(self, code, allow_stdin=False, on_stdin=None):
        """Runs code; returns (reply content, iopub messages of the cell)."""
        msg_id = self.kc.execute(code, allow_stdin=allow_stdin)
        msgs = []
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") != msg_id:
                continue
            msgs.append(m)
            if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                break
            if on_stdin and m["msg_type"] == "execute_input":
                on_stdin()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["parent_header"]["msg_id"], msg_id)
        return reply["content"], msgs

    def stdout(self, msgs):
        return "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream" and m["content"]["name"] == "stdout")

    def test_interrupt_keeps_variables(self):
        msg_id = self.kc.execute("n = 0\nwhile True:\n    n += 1\n")
        while True:
            m = self.kc.get_iopub_msg(timeout=TIMEOUT)
            if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                break
        time.sleep(0.5)
        self.km.interrupt_kernel()
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        content, msgs = self.run_cell("print(n > 0)")
        self.assertEqual(content["status"], "ok")
        self.assertEqual(self.stdout(msgs), "True\n")

    def test_interrupt_request_on_control(self):
        msg_id = self.kc.execute("import time\nm = 1\ntime.sleep(60)\n")
        time.sleep(0.5)
        req = self.kc.session.msg("interrupt_request", {})
        self.kc.control_channel.send(req)
        rep = self.kc.get_control_msg(timeout=TIMEOUT)
        self.assertEqual(rep["msg_type"], "interrupt_reply")
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        self.assertEqual(reply["content"]["ename"], "KeyboardInterrupt")
        content, msgs = self.run_cell("print(m)")
        self.assertEqual(self.stdout(msgs), "1\n")

    def test_kernel_info_on_control(self):
        req = self.kc.session.msg("kernel_info_request", {})
        self.kc.control_channel.send(req)
        rep = self.kc.get_control_msg(timeout=TIMEOUT)
        self.assertEqual(rep["msg_type"], "kernel_info_reply")
        self.assertEqual(rep["header"]["version"], "5.3")
        li = rep["content"]["language_info"]
        self.assertEqual((li["name"], li["file_extension"], li["codemirror_mode"], li["pygments_lexer"]), ("python", ".py", "python", "python3"))

    def test_wrong_hmac_ignored_and_logged(self):
        bad = Session(key=b"not the key", session=self.kc.session.session)
        bad.send(self.kc.shell_channel.socket, "execute_request",
                 {"code": "hacked = 1", "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})
        with self.assertRaises(queue.Empty):
            self.kc.get_shell_msg(timeout=1)
        self.errf.flush()
        with open(os.environ["KERNEL_STDERR"]) as f:
            self.assertIn("invalid HMAC signature", f.read())
        content, msgs = self.run_cell("hacked")
        self.assertEqual(content.get("ename"), "NameError")

    def test_input_without_stdin(self):
        content, msgs = self.run_cell("input('name? ')")
        self.assertEqual(content["ename"], "StdinNotImplementedError")

    def test_input_request(self):
        def answer():
            m = self.kc.get_stdin_msg(timeout=TIMEOUT)
            self.assertEqual(m["msg_type"], "input_request")
            self.assertEqual(m["content"]["prompt"], "name? ")
            self.kc.input("ana")
        content, msgs = self.run_cell("who = input('name? ')\nprint('hi ' + who)", allow_stdin=True, on_stdin=answer)
        self.assertEqual(content["status"], "ok")
        self.assertEqual(self.stdout(msgs), "hi ana\n")

    def test_table_html(self):
        content, msgs = self.run_cell("table([[22, 'ssh'], [80, 'http']], header=['port', 'service'])")
        res = [m for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(res), 1)
        self.assertEqual(res[0]["content"]["metadata"], {})
        html = res[0]["content"]["data"]["text/html"]
        self.assertIn("<th>port</th><th>service</th>", html)
        self.assertIn("<td>80</td><td>http</td>", html)
        self.assertIn("│ 22", res[0]["content"]["data"]["text/plain"])

    def test_scan_html(self):
        # A closed loopback port: the scan result is a table in HTML too.
        import socket as pysocket
        s = pysocket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close()
        content, msgs = self.run_cell("import socket\nsocket.scan('127.0.0.1', ports=[%d], reverse=False)" % port)
        self.assertEqual(content["status"], "ok")
        res = [m for m in msgs if m["msg_type"] == "execute_result"]
        self.assertEqual(len(res), 1)
        self.assertEqual(res[0]["content"]["metadata"], {})
        data = res[0]["content"]["data"]
        self.assertIn("text/html", data)
        self.assertIn("127.0.0.1", data["text/html"])
        self.assertIn("scan report for 127.0.0.1", data["text/plain"])

    def test_errors_have_python_names(self):
        for code, ename in [("x = = 1", "SyntaxError"), ("undefined_name + 1", "NameError"), ("int('x')", "ValueError"), ("[][1]", "IndexError"), ("{}['k']", "KeyError")]:
            with self.subTest(code=code):
                content, msgs = self.run_cell(code)
                self.assertEqual(content["status"], "error")
                self.assertEqual(content["ename"], ename)
                err = [m for m in msgs if m["msg_type"] == "error"]
                self.assertEqual(err[0]["content"]["ename"], ename)

    def test_python_cell_translated(self):
        content, msgs = self.run_cell("try:\n    int('x')\nexcept ValueError as e:\n    print(f'bad: {e}')\n")
        self.assertEqual(content["status"], "ok", content)
        self.assertEqual(self.stdout(msgs), "bad: invalid literal for int() with base 10: 'x'\n")

    def test_user_expressions(self):
        msg_id = self.kc.execute("z = 20", user_expressions={"double": "z * 2"})
        reply = self.kc.get_shell_msg(timeout=TIMEOUT)
        ue = reply["content"]["user_expressions"]["double"]
        self.assertEqual(ue["status"], "ok")
        self.assertEqual(ue["data"]["text/plain"], "40")


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
