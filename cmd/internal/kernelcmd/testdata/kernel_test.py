# jupyter_kernel_test.KernelTests with netstar samples; run by TestKernelTests
# (kernelcmd_test.go) under /usr/bin/python3 in a temporary Jupyter environment.
import sys, unittest
import jupyter_kernel_test

class NetstarKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "netstar"
    language_name = "python"
    file_extension = ".py"
    code_hello_world = "print('hello, world')"
    code_stderr = "import sys\nsys.stderr.write('oops\\n')"
    completion_samples = [{"text": "socket.gethostby", "matches": {"socket.gethostbyname", "socket.gethostbyname_ex", "socket.gethostbyaddr"}}]
    complete_code_samples = ["1", "print('hi')", "x = [1,\n 2]", "for i in range(3):\n    print(i)\n\n", "try:\n    x = 1\nexcept Exception as e:\n    pass\n\n"]
    incomplete_code_samples = ["print('hi'", "for i in range(3):", "def f(x):\n    return x", "try:\n    x = 1"]
    invalid_code_samples = ["x = = 1", "1 +* 2"]
    code_generate_error = "1 / 0"
    code_execute_result = [{"code": "6 * 7", "result": "42"}, {"code": "'abc'", "result": "'abc'"}, {"code": "x = 5\nx + 1", "result": "6"}]
    code_inspect_sample = "socket.gethostbyname"

if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
