# Cliente de prueba del servidor HTTP (4-test_servidor_http.py del curso,
# que el texto del curso enlaza pero no muestra): se conecta al servidor,
# envía una petición GET e imprime la respuesta.
import socket

webhost = '127.0.0.1'
webport = 8080
print("Contactando con %s en el puerto %d ..." % (webhost, webport))
webclient = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
webclient.connect((webhost, webport))
webclient.send(bytes("GET / HTTP/1.1\r\nHost: %s\r\n\r\n" % webhost, 'utf-8'))
reply = webclient.recv(4096)
print("Respuesta del servidor:")
print(reply.decode('utf-8'))
webclient.close()
