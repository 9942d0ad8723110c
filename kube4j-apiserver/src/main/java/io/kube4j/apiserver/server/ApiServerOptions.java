package io.kube4j.apiserver.server;

import io.kube4j.apiserver.resources.admission.AdmissionPlugins;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Set;

/**
 * Options of the API server, immutable, with defaults and validation.
 *
 * @param dataDir        where state, certificates and the kubeconfig live
 * @param bindAddress    the address to listen on
 * @param port           the HTTPS port; 0 picks a free one
 * @param storage        "embedded" (SQLite), "memory" or "etcd" (the caller hands the server an etcd store)
 * @param tokenAuthFile  a static token file, or null
 * @param serviceCidr    the service IP range; its first address is the {@code kubernetes} service
 * @param clock          the clock every timestamp comes from
 * @param admissionPlugins the admission plugins that run (resolved from {@code --enable-admission-plugins} and
 *                       {@code --disable-admission-plugins}); null means upstream's default: all of them
 * @param advertiseAddress the IPv4 address the kubernetes service's endpoints give for this server
 *                       ({@code --advertise-address}); null: the bind address, or the host's first non-loopback
 *                       address when bound to all
 */
public record ApiServerOptions(Path dataDir, String bindAddress, int port, String storage, Path tokenAuthFile,
                               String serviceCidr, Clock clock, Set<String> admissionPlugins, String advertiseAddress) {
    public static final String DEFAULT_SERVICE_CIDR = "10.43.0.0/16";

    public ApiServerOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        if (bindAddress == null || bindAddress.isBlank()) {
            bindAddress = "0.0.0.0";
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (storage == null) {
            storage = "embedded";
        }
        if (!storage.equals("embedded") && !storage.equals("memory") && !storage.equals("etcd")) {
            throw new IllegalArgumentException("--storage must be embedded, memory or etcd, got " + storage);
        }
        if (serviceCidr == null) {
            serviceCidr = DEFAULT_SERVICE_CIDR;
        }
        if (clock == null) {
            clock = Clock.systemUTC();
        }
        admissionPlugins = admissionPlugins == null ? AdmissionPlugins.DEFAULT_ENABLED : Set.copyOf(admissionPlugins);
        if (advertiseAddress != null && advertiseAddress.isBlank()) {
            advertiseAddress = null;
        }
        if (advertiseAddress != null && !advertiseAddress.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("--advertise-address must be an IPv4 address, got " + advertiseAddress);
        }
        for (String name : admissionPlugins) {
            if (!AdmissionPlugins.ALL.contains(name)) {
                throw new IllegalArgumentException("admission plugin \"" + name + "\" is unknown");
            }
        }
    }

    /** Options that advertise the bind address (or the host's address). */
    public ApiServerOptions(Path dataDir, String bindAddress, int port, String storage, Path tokenAuthFile,
                            String serviceCidr, Clock clock, Set<String> admissionPlugins) {
        this(dataDir, bindAddress, port, storage, tokenAuthFile, serviceCidr, clock, admissionPlugins, null);
    }

    /** Options with every admission plugin on. */
    public ApiServerOptions(Path dataDir, String bindAddress, int port, String storage, Path tokenAuthFile,
                            String serviceCidr, Clock clock) {
        this(dataDir, bindAddress, port, storage, tokenAuthFile, serviceCidr, clock, null);
    }

    public static ApiServerOptions defaults(Path dataDir) {
        return new ApiServerOptions(dataDir, "0.0.0.0", 6443, "embedded", null, DEFAULT_SERVICE_CIDR, null, null, null);
    }

    public ApiServerOptions withPort(int p) {
        return new ApiServerOptions(dataDir, bindAddress, p, storage, tokenAuthFile, serviceCidr, clock, admissionPlugins, advertiseAddress);
    }

    public ApiServerOptions withStorage(String s) {
        return new ApiServerOptions(dataDir, bindAddress, port, s, tokenAuthFile, serviceCidr, clock, admissionPlugins, advertiseAddress);
    }

    public ApiServerOptions withBindAddress(String a) {
        return new ApiServerOptions(dataDir, a, port, storage, tokenAuthFile, serviceCidr, clock, admissionPlugins, advertiseAddress);
    }

    public ApiServerOptions withTokenAuthFile(Path f) {
        return new ApiServerOptions(dataDir, bindAddress, port, storage, f, serviceCidr, clock, admissionPlugins, advertiseAddress);
    }

    public ApiServerOptions withAdmissionPlugins(Set<String> plugins) {
        return new ApiServerOptions(dataDir, bindAddress, port, storage, tokenAuthFile, serviceCidr, clock, plugins, advertiseAddress);
    }

    public ApiServerOptions withAdvertiseAddress(String a) {
        return new ApiServerOptions(dataDir, bindAddress, port, storage, tokenAuthFile, serviceCidr, clock, admissionPlugins, a);
    }
}
