import socket
import threading

# A listener of our own on loopback, and a port that was bound and closed.
# The scan's connection waits in the backlog: the server accepts it first.
server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
server.bind(("127.0.0.1", 0))
server.listen(5)
open_port = server.getsockname()[1]
tmp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tmp.bind(("127.0.0.1", 0))
closed_port = tmp.getsockname()[1]
tmp.close()


class Scanner:
    def __init__(self, host, timeout=1.0):
        self.host = host
        self.timeout = timeout
        self.results = {}

    def scan_port(self, port):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.settimeout(self.timeout)
        code = s.connect_ex((self.host, port))
        s.close()
        return code == 0

    def scan(self, ports):
        for port in ports:
            self.results[port] = self.scan_port(port)
        return [p for p in ports if self.results[p]]

    def __str__(self):
        return "Scanner(%s, %d ports)" % (self.host, len(self.results))


sc = Scanner("127.0.0.1")
found = sc.scan([open_port, closed_port])
print(found == [open_port], sc.results[closed_port], str(sc))


class Handler:
    count = 0

    def __init__(self, conn):
        self.conn = conn

    def handle(self):
        data = self.conn.recv(1024)
        self.conn.sendall(data.decode().upper().encode())
        self.conn.close()
        Handler.count += 1


def serve(n):
    for i in range(n):
        conn, addr = server.accept()
        Handler(conn).handle()


t = threading.Thread(target=serve, args=(3,))
t.start()
for word in [b"hola", b"adios"]:
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    c.connect(("127.0.0.1", open_port))
    c.sendall(word)
    print(c.recv(1024))
    c.close()
t.join()
server.close()
print("handled", Handler.count)
