package io.kube4j.node.network;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.kube4j.apimachinery.json.Json;
import io.kube4j.node.host.HostCommand;
import io.kube4j.node.host.HostPackages;

/**
 * Runs a conflist's plugins by hand the way libcni (inside containerd) does: each plugin gets its
 * own config with the list's name and cniVersion, capability args as runtimeConfig, and the
 * previous plugin's result as prevResult; DEL runs the chain backwards.
 */
final class CniPlugins {

    private final ObjectNode conflist;

    CniPlugins(ObjectNode conflist) {
        this.conflist = conflist;
    }

    /** ADD: the final result (with the pod's IPs). */
    JsonNode add(String containerId, Path netns, ArrayNode portMappings) {
        JsonNode prev = null;
        for (JsonNode plugin : conflist.get("plugins")) {
            prev = Json.parse(exec("ADD", containerId, netns, config(plugin, portMappings, prev)));
        }
        return prev;
    }

    /** DEL, last plugin first, each with the ADD result as prevResult. */
    void del(String containerId, Path netns, ArrayNode portMappings, JsonNode addResult) {
        List<JsonNode> plugins = new ArrayList<>();
        conflist.get("plugins").forEach(plugins::add);
        for (JsonNode plugin : plugins.reversed()) {
            exec("DEL", containerId, netns, config(plugin, portMappings, addResult));
        }
    }

    private ObjectNode config(JsonNode plugin, ArrayNode portMappings, JsonNode prev) {
        ObjectNode c = plugin.deepCopy();
        c.put("name", conflist.get("name").asText());
        c.put("cniVersion", conflist.get("cniVersion").asText());
        if (plugin.path("capabilities").path("portMappings").asBoolean() && portMappings != null) {
            c.putObject("runtimeConfig").set("portMappings", portMappings);
        }
        if (prev != null) {
            c.set("prevResult", prev);
        }
        return c;
    }

    private static String exec(String command, String containerId, Path netns, ObjectNode config) {
        String type = config.get("type").asText();
        return HostCommand.run(List.of(HostPackages.CNI_BIN_DIR.resolve(type).toString()), Json.string(config),
                Map.of("CNI_COMMAND", command, "CNI_CONTAINERID", containerId, "CNI_NETNS", netns.toString(),
                        "CNI_IFNAME", "eth0", "CNI_PATH", HostPackages.CNI_BIN_DIR.toString()),
                Duration.ofSeconds(20)).orThrow().stdout();
    }
}
