total = 0
def add():
    global total
    total += 1
add(); add()
print(total)
print(f"total={total}")

def make_counter():
    count = 0
    def inc(step=1):
        nonlocal count
        count += step
        return count
    def get():
        return count
    return inc, get
inc, get = make_counter()
inc(); inc(5)
print(get(), inc())

def setup():
    global config, hits
    config = {"port": 80}
    hits = 0
setup()
print(config["port"], hits)

def reset():
    global total
    try:
        total = int("x")
    except ValueError:
        total = -1
reset()
print(total)
for total in range(3):
    pass
print(total, [total for total in range(2)], total)
f = lambda: total * 2
print(f())
def drop():
    global hits
    del hits
drop()
hits = 5
print(hits)


# The course's style: a counter of open ports kept by a function.
abiertos = 0
informe = []


def registrar(puerto, abierto):
    global abiertos
    if abierto:
        abiertos = abiertos + 1
        informe.append(f"{puerto}/tcp abierto ({abiertos})")


for p, ok in [(22, True), (23, False), (80, True)]:
    registrar(p, ok)
print(abiertos, informe)


# Closures: nonlocal through two levels, a parameter kept in a cell,
# and a nested function that only reads it.
def acumulador(inicio):
    def sumar(n):
        nonlocal inicio
        inicio += n

        def ver():
            return inicio
        return ver()
    return sumar


a = acumulador(10)
print(a(1), a(2))


def exterior():
    x = "e"

    def medio():
        nonlocal x
        x = x + "m"

        def interior():
            nonlocal x
            x += "i"
        interior()
        return x
    return medio() + "|" + x


print(exterior())


class Registro:
    creados = 0

    def __init__(self):
        global total
        total += 10
        Registro.creados += 1


Registro()
Registro()
print(total, Registro.creados)
