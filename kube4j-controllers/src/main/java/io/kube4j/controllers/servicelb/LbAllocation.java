package io.kube4j.controllers.servicelb;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which pool address a LoadBalancer service gets: a pure function of the service's wish, its current address, its
 * ports and what the other services hold. Services share an address when their ports ({@code protocol/port}) don't
 * clash, as k3s's ServiceLB lets them share node addresses. Order of preference: {@code spec.loadBalancerIP} (only
 * that one when set), the address it already has, then the first address of the pool that fits.
 */
public final class LbAllocation {
    private LbAllocation() {
    }

    /** One service holding (or wanting) an address. {@code ports} are {@code TCP/80}-style keys. */
    public record Holder(String key, String ip, Set<String> ports) {
    }

    /**
     * @param requested  spec.loadBalancerIP, or null
     * @param current    the address now in its status, or null
     * @param ports      its ports as {@code protocol/port}
     * @param others     what every other LoadBalancer service holds
     * @return the address, or empty when none fits (the service stays pending)
     */
    public static Optional<String> choose(AddressPool pool, String requested, String current, Set<String> ports,
                                          Collection<Holder> others) {
        Map<String, Set<String>> used = new HashMap<>();
        for (Holder h : others) {
            if (h.ip() != null) {
                used.computeIfAbsent(h.ip(), k -> new HashSet<>()).addAll(h.ports());
            }
        }
        if (requested != null && !requested.isEmpty()) {
            return pool.contains(requested) && fits(used.get(requested), ports) ? Optional.of(requested)
                    : Optional.empty();
        }
        if (current != null && pool.contains(current) && fits(used.get(current), ports)) {
            return Optional.of(current);
        }
        for (String ip : pool.addresses()) {
            if (fits(used.get(ip), ports)) {
                return Optional.of(ip);
            }
        }
        return Optional.empty();
    }

    private static boolean fits(Set<String> taken, Set<String> ports) {
        if (taken == null) {
            return true;
        }
        for (String p : ports) {
            if (taken.contains(p)) {
                return false;
            }
        }
        return true;
    }
}
