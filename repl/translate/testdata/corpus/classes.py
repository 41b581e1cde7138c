class AppError(Exception):
    pass


class PortError(AppError):
    def __init__(self, port, why):
        super().__init__(port, why)
        self.port = port
        self.why = why

    def __str__(self):
        return f"port {self.port}: {self.why}"


class Counter:
    total = 0

    def __init__(self, start=0):
        self.n = start

    def add(self, k=1):
        self.n += k
        Counter.total += k
        return self.n

    def __repr__(self):
        return f"Counter({self.n})"

    @staticmethod
    def zero():
        return Counter(0)

    @classmethod
    def named(cls, n):
        return cls(n)


class Loud(Counter):
    def add(self, k=1):
        r = super().add(k * 10)
        print("loud add", r)
        return r


c = Counter(5)
print(c.add(), c.add(2), c)
print(repr(c), str(c), f"{c!r} and {c}")
z = Counter.zero()
print(z, Counter.named(7), Counter.total)
l = Loud()
l.add(3)
print(l, isinstance(l, Counter), isinstance(c, Loud), issubclass(Loud, Counter))
print(isinstance(3, int), isinstance("a", str), isinstance(3, (str, float)), isinstance([], list))
add = c.add
print(add(100), c.n)
c.extra = "x"
print(c.extra)

def check(port):
    if port < 0:
        raise ValueError("negative")
    if port > 65535:
        raise PortError(port, "too large")
    if port == 0:
        raise AppError("zero")
    return port

for p in [80, -1, 70000, 0]:
    try:
        print("ok", check(p))
    except PortError as e:
        print("PortError", e, e.port, e.args, isinstance(e, AppError), isinstance(e, Exception))
    except (ValueError, AppError) as e:
        print("other", e, e.args)
    else:
        print("no error")
    finally:
        print("done", p)

try:
    try:
        check(70000)
    except AppError:
        print("inner")
        raise
except Exception as e:
    print("outer", e, repr(e))

try:
    raise KeyError("k")
except LookupError as e:
    print("lookup", e)
