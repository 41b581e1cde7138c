# Powers and the builtins students reach for next (compared with python3).
n = 12
bits = 8
print(n**2, n ** 0.5, -n**2, (-n)**2, 2**bits - 1, 2**-2)
x = 3
x **= 3
print(x)
mascara = [2**i for i in range(bits)]
print(mascara, sum(mascara) == 2**bits - 1)
print(hex(255), hex(-255), oct(8), oct(-8), bin(5), bin(-5))
puertos = ["22", "80", "443"]
numeros = list(map(int, puertos))
print(numeros, list(filter(lambda p: p > 100, numeros)))
for p in map(str, numeros):
    print("puerto " + p)
print(pow(3, 4), pow(3, 4, 5), pow(2, -1), divmod(17, 5), round(2.675, 2))
