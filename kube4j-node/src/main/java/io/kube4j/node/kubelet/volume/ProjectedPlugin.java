package io.kube4j.node.kubelet.volume;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceAccountTokenProjection;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestSpec;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code projected}: configMap, secret, downwardAPI and serviceAccountToken sources merged into one directory.
 * Tokens come from the TokenRequest API, bound to the pod, and are requested again once 80 % of their lifetime
 * has passed (or after 24 hours), as upstream's token manager does. Thread-safe (the token cache is concurrent).
 */
final class ProjectedPlugin extends ProjectedFilesPlugin {
    static final long DEFAULT_TOKEN_SECONDS = 3600;

    private record Token(String token, Instant issued, Instant expires) {
    }

    private final VolumeSources sources;
    private final Map<String, Token> tokens = new ConcurrentHashMap<>();

    ProjectedPlugin(VolumeSources sources, Clock clock, Random random) {
        super(clock, random);
        this.sources = sources;
    }

    @Override
    public String dirName() {
        return "kubernetes.io~projected";
    }

    @Override
    public boolean supports(Volume volume) {
        return volume.getProjected() != null;
    }

    @Override
    Map<String, AtomicWriter.FileProjection> payload(Pod pod, Volume v) throws PayloadException {
        int defaultMode = modeOr(v.getProjected().getDefaultMode(), DEFAULT_MODE);
        String ns = pod.getMetadata().getNamespace();
        Map<String, AtomicWriter.FileProjection> out = new LinkedHashMap<>();
        List<VolumeProjection> projections = v.getProjected().getSources() == null ? List.of()
                : v.getProjected().getSources();
        for (VolumeProjection p : projections) {
            if (p.getConfigMap() != null) {
                var s = p.getConfigMap();
                out.putAll(ConfigMapPlugin.files(sources, ns, s.getName(), s.getItems(), s.getOptional(), defaultMode));
            } else if (p.getSecret() != null) {
                var s = p.getSecret();
                out.putAll(SecretPlugin.files(sources, ns, s.getName(), s.getItems(), s.getOptional(), defaultMode));
            } else if (p.getDownwardAPI() != null) {
                out.putAll(DownwardApiPlugin.files(sources, pod, p.getDownwardAPI().getItems(), defaultMode));
            } else if (p.getServiceAccountToken() != null) {
                var s = p.getServiceAccountToken();
                out.put(s.getPath(), new AtomicWriter.FileProjection(
                        token(pod, v, s).getBytes(StandardCharsets.UTF_8), defaultMode));
            }
        }
        return out;
    }

    private String token(Pod pod, Volume v, ServiceAccountTokenProjection s) throws PayloadException {
        var md = pod.getMetadata();
        String key = md.getUid() + "/" + v.getName() + "/" + s.getPath();
        Instant now = clock.instant();
        Token cached = tokens.get(key);
        if (cached != null && !needsRefresh(cached, now)) {
            return cached.token();
        }
        String sa = pod.getSpec().getServiceAccountName() == null || pod.getSpec().getServiceAccountName().isEmpty()
                ? "default" : pod.getSpec().getServiceAccountName();
        long seconds = s.getExpirationSeconds() == null ? DEFAULT_TOKEN_SECONDS : s.getExpirationSeconds();
        TokenRequestSpec spec = new TokenRequestSpec();
        spec.setAudiences(s.getAudience() == null || s.getAudience().isEmpty() ? List.of() : List.of(s.getAudience()));
        spec.setExpirationSeconds(seconds);
        spec.setBoundObjectRef(new BoundObjectReference("v1", "Pod", md.getName(), md.getUid()));
        TokenRequest request = new TokenRequest();
        request.setApiVersion("authentication.k8s.io/v1");
        request.setKind("TokenRequest");
        request.setSpec(spec);
        TokenRequest answer;
        try {
            answer = sources.tokenRequest().request(md.getNamespace(), sa, request);
        } catch (RuntimeException e) {
            if (cached != null && now.isBefore(cached.expires())) {
                return cached.token(); // keep the old token while it is valid
            }
            throw new PayloadException("failed to fetch token: " + e.getMessage());
        }
        if (answer == null || answer.getStatus() == null || answer.getStatus().getToken() == null) {
            throw new PayloadException("failed to fetch token: serviceaccounts \"" + sa + "\" not found");
        }
        Instant expires = answer.getStatus().getExpirationTimestamp() == null ? now.plusSeconds(seconds)
                : Instant.parse(answer.getStatus().getExpirationTimestamp());
        tokens.put(key, new Token(answer.getStatus().getToken(), now, expires));
        return answer.getStatus().getToken();
    }

    static boolean needsRefresh(Token t, Instant now) {
        long ttl = Duration.between(t.issued(), t.expires()).toMillis();
        return !now.isBefore(t.issued().plusMillis(ttl * 8 / 10))
                || !now.isBefore(t.issued().plus(Duration.ofHours(24)));
    }

    @Override
    public void forget(String podUid) {
        tokens.keySet().removeIf(k -> k.startsWith(podUid + "/"));
    }
}
