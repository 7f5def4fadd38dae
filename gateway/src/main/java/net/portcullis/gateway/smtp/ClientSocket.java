package net.portcullis.gateway.smtp;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketImpl;

/**
 * A client's connection whose input goes through a {@link CommandStream}. Made by
 * {@link Listener}, the server socket SubEthaSMTP accepts on (its serverSocketFactory): the
 * JDK's implAccept is the documented way to hand out a Socket subclass, and the rest of the
 * socket (addresses, timeouts, close) is the JDK's own.
 */
final class ClientSocket extends Socket {
    private CommandStream stream;

    private ClientSocket() throws IOException {
        super((SocketImpl) null);
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
        if (stream == null) {
            stream = new CommandStream(super.getInputStream());
        }
        return stream;
    }

    /** The command stream of a session's socket, or null when it is not one of ours (after STARTTLS). */
    static CommandStream stream(Socket s) {
        if (s instanceof ClientSocket c) {
            try {
                return (CommandStream) c.getInputStream();
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    /** The listening socket: every connection it accepts is a {@link ClientSocket}. */
    static final class Listener extends ServerSocket {
        Listener() throws IOException {
            super();
        }

        @Override
        public Socket accept() throws IOException {
            if (isClosed()) {
                throw new java.net.SocketException("Socket is closed");
            }
            ClientSocket s = new ClientSocket();
            implAccept(s);
            return s;
        }
    }
}
