package io.kube4j.node.images;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.kube4j.node.host.HostCommand;
import io.kube4j.node.host.HostPackages;
import io.kube4j.node.images.OciImageWriter.Image;
import io.kube4j.node.images.OciImageWriter.ImageConfig;
import io.kube4j.node.images.OciImageWriter.RootFs;

/**
 * The images a kube4j node brings along, built from the host's static busybox with no registry and
 * no external tools: the sandbox (pause) image, busybox, and the "Kubernetes in Action" kubia apps.
 *
 * <p>The node calls {@link #ensureBuilt(Path)} at start-up and imports the archives with
 * {@link ImageImporter}. Archives are rebuilt only when missing or when /bin/busybox or these
 * recipes changed. {@link #ensureBuilt(Path)} is synchronized within this JVM.
 */
public final class TestImages {

    private static final Logger LOG = LoggerFactory.getLogger(TestImages.class);

    /** The CRI sandbox image: an init that sleeps until SIGTERM or SIGINT, then exits 0 at once. */
    public static final String PAUSE = "kube4j.local/pause:3.10";
    /** busybox with every applet linked; default command {@code sh}. */
    public static final String BUSYBOX = "kube4j.local/busybox:1.36";
    /** HTTP on 8080 answering every request with {@code You've hit <hostname>\n}. */
    public static final String KUBIA = "kube4j.local/kubia:1";
    /** Like kubia, but from the 6th request on answers 500 {@code I'm not well. Please restart me!}. */
    public static final String KUBIA_UNHEALTHY = "kube4j.local/kubia-unhealthy:1";
    /** Answers {@code This is v2 running in pod <hostname>\n}. */
    public static final String KUBIA_V2 = "kube4j.local/kubia:2";

    public static final List<String> NAMES = List.of(PAUSE, BUSYBOX, KUBIA, KUBIA_UNHEALTHY, KUBIA_V2);

    static final String PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    static final String STAMP_FILE = "builtin.stamp";

    /** The kubia flavours; each has its own request handler. */
    public enum Kubia { V1, UNHEALTHY, V2 }

    private TestImages() {
    }

    /** {@code DATA/images/builtin}, where the archives are written. */
    public static Path builtinDir(Path dataDir) {
        return dataDir.resolve("images").resolve("builtin");
    }

    /** The archive file for an image name: {@code kube4j.local/kubia:2} gives {@code kubia-2.tar}. */
    public static String archiveName(String image) {
        return image.substring(image.lastIndexOf('/') + 1).replace(':', '-') + ".tar";
    }

    /** The pause image's init. */
    public static String pauseScript() {
        return """
                #!/bin/sh
                # kube4j pause: holds the pod's namespaces and reaps orphans; exits 0 at once on SIGTERM/SIGINT.
                trap 'kill $sleeper 2>/dev/null; wait $sleeper 2>/dev/null; exit 0' TERM INT
                while :; do
                  sleep 86400 &
                  sleeper=$!
                  wait $sleeper 2>/dev/null # no "Terminated" job notices
                done
                """;
    }

    /**
     * The kubia server: busybox nc accepts connections and runs the handler once per connection,
     * while this shell stays PID 1 so SIGTERM and SIGINT stop the server at once. The unhealthy
     * flavour ignores SIGTERM, as the book's node.js app does as PID 1, so a liveness kill ends
     * with SIGKILL after the grace period (Error, exit code 137); SIGINT still stops it.
     * KUBIA_PORT (default 8080; a value that is not a number, as a Service named kubia injects, is ignored)
     * lets tests run it on the host.
     */
    public static String kubiaServerScript(Kubia flavour) {
        String traps = flavour == Kubia.UNHEALTHY
                // an ignored signal stays ignored in children, so nc must be stopped with SIGKILL
                ? "trap '' TERM\ntrap 'kill -KILL $server 2>/dev/null; wait $server 2>/dev/null; exit 0' INT\n"
                : "trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; exit 0' TERM INT\n";
        return """
                #!/bin/sh
                # kubia (kube4j test image): answers every HTTP request on port ${KUBIA_PORT:-8080}.
                home=$(cd "$(dirname "$0")" && pwd)
                """ + traps + """
                echo "Kubia server starting..."
                port=${KUBIA_PORT:-8080}
                # a Service named kubia gives pods KUBIA_PORT=tcp://IP:PORT (docker-link variables): only a number is a port
                case $port in ''|*[!0-9]*) port=8080 ;; esac
                nc -ll -p "$port" -e /bin/busybox sh "$home/handle" &
                server=$!
                wait $server
                """;
    }

    /**
     * One HTTP/1.1 exchange on stdin/stdout: reads the request line and headers (so closing does
     * not reset the connection), then answers and closes. KUBIA_STATE (default /tmp) holds the
     * unhealthy flavour's request count.
     */
    public static String kubiaHandlerScript(Kubia flavour) {
        String answer = switch (flavour) {
            case V1 -> """
                    body="You've hit $(hostname)
                    "
                    """;
            case V2 -> """
                    body="This is v2 running in pod $(hostname)
                    "
                    """;
            case UNHEALTHY -> """
                    counter=${KUBIA_STATE:-/tmp}/kubia-requests
                    count=$(( $(cat "$counter" 2>/dev/null || echo 0) + 1 ))
                    echo "$count" > "$counter"
                    if [ "$count" -gt 5 ]; then
                      status="500 Internal Server Error"
                      body="I'm not well. Please restart me!"
                    else
                      body="You've hit $(hostname)
                    "
                    fi
                    """;
        };
        return """
                #!/bin/sh
                # One HTTP exchange of the kubia server on stdin/stdout.
                cr=$(printf '\\r')
                read -r -t 10 request || exit 0
                while read -r -t 10 header; do
                  [ -z "${header%"$cr"}" ] && break
                done
                request=${request%"$cr"}
                echo "Received request: $request" >&2
                status="200 OK"
                """ + answer + """
                printf 'HTTP/1.1 %s\\r\\nContent-Type: text/plain\\r\\nContent-Length: %d\\r\\nConnection: close\\r\\n\\r\\n%s' \\
                  "$status" "${#body}" "$body"
                """;
    }

    /** The busybox root file system every image starts from. */
    static RootFs baseRootFs(byte[] busybox, List<String> applets) {
        RootFs fs = new RootFs();
        for (String dir : List.of("bin", "sbin", "usr/bin", "usr/sbin", "etc", "proc", "sys", "dev", "var", "home")) {
            fs.directory(dir, 0755);
        }
        fs.directory("root", 0700);
        fs.directory("tmp", 01777);
        fs.file("bin/busybox", 0755, busybox);
        for (String applet : applets) {
            // busybox --list-full also names itself and an initrd's linuxrc; neither is an applet link here.
            if (applet.equals("bin/busybox") || !applet.contains("/")) {
                continue;
            }
            fs.symlink(applet, "/bin/busybox");
        }
        fs.file("etc/passwd", 0644, "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n");
        fs.file("etc/group", 0644, "root:x:0:\nnobody:x:65534:\n");
        return fs;
    }

    /** The five images, built from {@code busybox} (a static binary) and its applet paths. */
    public static List<Image> images(byte[] busybox, List<String> applets) {
        List<Image> images = new ArrayList<>();
        for (String name : NAMES) {
            images.add(image(name, busybox, applets));
        }
        return images;
    }

    /** One of {@link #NAMES}. */
    public static Image image(String name, byte[] busybox, List<String> applets) {
        RootFs fs = baseRootFs(busybox, applets);
        List<String> env = List.of(PATH_ENV);
        return switch (name) {
            case PAUSE -> new Image(name, new ImageConfig(List.of("/pause"), List.of(), env, "/", List.of()),
                    fs.file("pause", 0755, pauseScript()));
            case BUSYBOX -> new Image(name, new ImageConfig(List.of(), List.of("sh"), env, "/", List.of()), fs);
            case KUBIA -> kubia(name, fs, Kubia.V1);
            case KUBIA_UNHEALTHY -> kubia(name, fs, Kubia.UNHEALTHY);
            case KUBIA_V2 -> kubia(name, fs, Kubia.V2);
            default -> throw new IllegalArgumentException("no built-in image " + name);
        };
    }

    private static Image kubia(String name, RootFs fs, Kubia flavour) {
        fs.directory("app", 0755)
                .file("app/kubia", 0755, kubiaServerScript(flavour))
                .file("app/handle", 0755, kubiaHandlerScript(flavour));
        return new Image(name, new ImageConfig(List.of("/app/kubia"), List.of(), List.of(PATH_ENV), "/app",
                List.of("8080/tcp")), fs);
    }

    /**
     * Builds the archives into {@link #builtinDir(Path)} unless they are there already and were
     * built from the same busybox and recipes (recorded in {@code builtin.stamp}).
     *
     * @return the archives, in {@link #NAMES} order
     */
    public static synchronized List<Path> ensureBuilt(Path dataDir) throws IOException {
        Path dir = builtinDir(dataDir);
        List<Path> archives = NAMES.stream().map(n -> dir.resolve(archiveName(n))).toList();
        byte[] busybox = Files.readAllBytes(HostPackages.BUSYBOX);
        String stamp = "busybox " + OciImageWriter.sha256(busybox) + "\nrecipes " + recipeDigest() + "\n";
        Path stampFile = dir.resolve(STAMP_FILE);
        boolean fresh = Files.exists(stampFile) && Files.readString(stampFile).equals(stamp)
                && archives.stream().allMatch(Files::isRegularFile);
        if (fresh) {
            return archives;
        }
        long t0 = System.nanoTime();
        List<String> applets = HostCommand.check(HostPackages.BUSYBOX.toString(), "--list-full").stdout().lines()
                .map(String::strip).filter(s -> !s.isEmpty()).toList();
        Files.createDirectories(dir);
        Files.deleteIfExists(stampFile);
        for (Image image : images(busybox, applets)) {
            OciImageWriter.write(image, dir.resolve(archiveName(image.name())));
        }
        Files.writeString(stampFile, stamp, StandardCharsets.UTF_8);
        LOG.info("built test images dir={} millis={}", dir, (System.nanoTime() - t0) / 1_000_000);
        return archives;
    }

    /** A digest of everything but busybox that goes into the images, so recipe changes rebuild them. */
    static String recipeDigest() {
        StringBuilder all = new StringBuilder(pauseScript()).append(PATH_ENV);
        for (Kubia k : Kubia.values()) {
            all.append(kubiaServerScript(k)).append(kubiaHandlerScript(k));
        }
        all.append(NAMES);
        all.append("layout-1"); // bump when the image layout (base rootfs, configs) changes
        return OciImageWriter.sha256(all.toString().getBytes(StandardCharsets.UTF_8));
    }
}
