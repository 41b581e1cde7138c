# Los ejemplos del curso usan www.google.com y 8.8.8.8; esta copia usa
# nombres de esta máquina (localhost, 127.0.0.1).
import socket

print(socket.gethostbyname('localhost'))
print(socket.gethostbyname_ex('localhost'))
print(socket.getfqdn('localhost'))
print(socket.gethostbyaddr('127.0.0.1'))
print(socket.getservbyname('http'))
print(socket.getservbyname('smtp', 'tcp'))
print(socket.getservbyport(80))
print(socket.getservbyport(23))
