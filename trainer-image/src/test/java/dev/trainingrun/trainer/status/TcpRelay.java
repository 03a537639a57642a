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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP relay from a loopback port to the API server, which a test cuts (every connection dropped, new ones dropped
 * as soon as they arrive, and counted) and restores: the network outage a training pod would see, without touching
 * the cluster that other tests share.
 */
final class TcpRelay implements AutoCloseable {
    private final InetSocketAddress target;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger dropped = new AtomicInteger();
    private final ServerSocket server;
    private volatile boolean cut;

    TcpRelay(InetSocketAddress target) {
        this.target = target;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start("relay-accept", this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Drops every connection, and every new one as it arrives. */
    void cut() {
        cut = true;
        sockets.forEach(TcpRelay::closeQuietly);
        sockets.clear();
    }

    /** Relays new connections again. */
    void restore() {
        cut = false;
    }

    /** Connections dropped on arrival while cut: how often the client has tried to reach the API server. */
    int dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
    }

    private void accept() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                continue; // closed by close()
            }
            if (cut) {
                dropped.incrementAndGet();
                closeQuietly(client);
                continue;
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
