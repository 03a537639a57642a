package dev.trainingrun.trainer.status;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay from a loopback port to the API server, which a test cuts (every connection dropped, new ones
 * refused) and restores on the same port: the network outage a training pod would see, without touching the
 * cluster that other tests share.
 */
final class TcpRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private ServerSocket server;
    private int port;

    TcpRelay(InetSocketAddress target) {
        this.target = target;
        listen(0);
    }

    int port() {
        return port;
    }

    /** Drops every connection and refuses new ones. */
    synchronized void cut() {
        closeQuietly(server);
        sockets.forEach(TcpRelay::closeQuietly);
        sockets.clear();
    }

    /** Accepts connections again, on the same port. */
    synchronized void restore() {
        listen(port);
    }

    @Override
    public void close() {
        cut();
    }

    private synchronized void listen(int wanted) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), wanted));
            server = socket;
            port = socket.getLocalPort();
            start("relay-accept", () -> accept(socket));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            Socket client;
            try {
                client = listening.accept();
            } catch (IOException e) {
                continue; // closed by cut()
            }
            try {
                Socket upstream = new Socket(target.getAddress(), target.getPort());
                sockets.add(client);
                sockets.add(upstream);
                start("relay-up", () -> pump(client, upstream));
                start("relay-down", () -> pump(upstream, client));
            } catch (IOException e) {
                closeQuietly(client); // the API server refused: the client sees a dropped connection
            }
        }
    }

    private static void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed; closing both below ends the other direction too
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private static void start(String name, Runnable task) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            if (closeable != null) {
                closeable.close();
            }
        } catch (IOException e) {
            // already closed
        }
    }
}
