package dev.trainingrun.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What of the local cluster is visible on the host, read from /proc and /sys: its processes (the
 * daemons, containerd's shims, the containers, anything in its network namespace), its network
 * namespace and link, and the mounts under its state folder.
 */
record HostSnapshot(Map<Long, String> processes, boolean netnsExists, boolean linkExists, List<String> mounts,
        boolean stateDirExists, List<String> containerCgroups) {

    /** Reads what belongs to the cluster described by {@code hack/local-cluster env}. */
    static HostSnapshot of(Cluster cluster) {
        Path state = Path.of(cluster.setting("TRAININGRUN_CLUSTER_DIR"));
        Path netns = Path.of("/var/run/netns", cluster.setting("TRAININGRUN_CLUSTER_NETNS"));
        String socket = cluster.setting("TRAININGRUN_CONTAINERD_SOCKET");

        List<Long> roots = new ArrayList<>(daemonPids(state.resolve("run")));
        Optional<String> clusterNet = roots.stream().map(HostSnapshot::netnsOf).flatMap(Optional::stream).findFirst();
        for (long pid : allPids()) {
            String cmdline = cmdline(pid);
            boolean inClusterNet = clusterNet.isPresent() && clusterNet.equals(netnsOf(pid));
            if (inClusterNet || cmdline.contains(socket) || cmdline.contains(state.toString())) {
                roots.add(pid);
            }
        }
        Map<Long, String> processes = new LinkedHashMap<>();
        for (long root : roots) {
            ProcessHandle.of(root).ifPresent(handle -> Stream.concat(Stream.of(handle), handle.descendants())
                    .forEach(p -> processes.put(p.pid(), cmdline(p.pid()))));
        }
        processes.entrySet().removeIf(e -> startTime(e.getKey()).isEmpty());
        processes.replaceAll((pid, cmd) -> startTime(pid).orElse("") + " " + cmd);
        return new HostSnapshot(processes, Files.exists(netns),
                Files.exists(Path.of("/sys/class/net", cluster.setting("TRAININGRUN_CLUSTER_HOST_LINK"))),
                mountsUnder(state, netns), Files.exists(state), containerCgroups(processes.keySet()));
    }

    /**
     * The cgroups of those processes that are in a cgroup of their own: not the root one, nor one
     * they inherited from whoever started the cluster (this JVM has it too).
     */
    private static List<String> containerCgroups(java.util.Set<Long> pids) {
        java.util.Set<String> paths = new java.util.TreeSet<>();
        java.util.Set<String> inherited = new java.util.HashSet<>(cgroupsOf(ProcessHandle.current().pid()));
        for (long pid : pids) {
            cgroupsOf(pid).stream().filter(p -> !p.equals("/") && !inherited.contains(p)).forEach(paths::add);
        }
        return List.copyOf(paths);
    }

    private static List<String> cgroupsOf(long pid) {
        List<String> paths = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "cgroup"))) {
                paths.add(line.substring(line.indexOf(':', line.indexOf(':') + 1) + 1));
            }
        } catch (IOException e) {
            // the process has exited meanwhile
        }
        return paths;
    }

    /** Which of the given cgroup paths still exist in some hierarchy under /sys/fs/cgroup. */
    static List<String> existingCgroups(List<String> paths) {
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            List<Path> roots = hierarchies.toList();
            return paths.stream().flatMap(p -> roots.stream().map(r -> r.resolve(p.substring(1))))
                    .filter(Files::isDirectory).map(Path::toString).distinct().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Processes of this snapshot that still run (same pid and start time, not a zombie). */
    List<String> stillRunning() {
        List<String> running = new ArrayList<>();
        processes.forEach((pid, entry) -> {
            String start = entry.substring(0, entry.indexOf(' '));
            if (startTime(pid).filter(start::equals).isPresent()) {
                running.add(pid + ": " + entry.substring(entry.indexOf(' ') + 1));
            }
        });
        return running;
    }

    private static List<Long> daemonPids(Path runDir) {
        if (!Files.isDirectory(runDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(runDir)) {
            return files.filter(f -> f.toString().endsWith(".pid")).map(f -> {
                try {
                    return Long.parseLong(Files.readString(f).trim().split("\\s+")[0]);
                } catch (IOException | NumberFormatException e) {
                    return -1L;
                }
            }).filter(pid -> pid > 0).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Long> allPids() {
        try (Stream<Path> entries = Files.list(Path.of("/proc"))) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Long::parseLong).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Optional<String> netnsOf(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", "net")).toString());
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }

    private static String cmdline(long pid) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8).replace('\0', ' ').strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The start time of a live process (field 22 of /proc/PID/stat); empty if gone or a zombie. */
    static Optional<String> startTime(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            boolean exited = fields[0].equals("Z") || fields[0].equals("X");
            return exited ? Optional.empty() : Optional.of(fields[19]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static List<String> mountsUnder(Path state, Path netns) {
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                    .map(line -> line.split(" ")[4].replace("\\040", " "))
                    .filter(m -> m.startsWith(state + "/") || m.equals(state.toString()) || m.equals(netns.toString()))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
