package io.kube4j.apiserver.validation.apps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.json.Json;
import io.kube4j.apiserver.validation.podtemplate.PodTemplateRules;

import static io.kube4j.apiserver.validation.shared.CommonRules.defaultNumber;
import static io.kube4j.apiserver.validation.shared.CommonRules.defaultText;

/**
 * apps/v1 defaulting (upstream's pkg/apis/apps/v1/defaults.go), applied by the apps strategies to
 * create and update bodies. Idempotent; stateless and thread-safe.
 */
public final class AppsDefaults {
    private AppsDefaults() {
    }

    public static void deployment(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        defaultNumber(spec, "replicas", 1);
        ObjectNode strategy = Json.with(spec, "strategy");
        defaultText(strategy, "type", "RollingUpdate");
        if (strategy.get("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = Json.with(strategy, "rollingUpdate");
            defaultText(ru, "maxUnavailable", "25%");
            defaultText(ru, "maxSurge", "25%");
        }
        defaultNumber(spec, "revisionHistoryLimit", 10);
        defaultNumber(spec, "progressDeadlineSeconds", 600);
        PodTemplateRules.defaultSpec(Json.with(spec, "template"));
    }

    public static void replicaSet(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        defaultNumber(spec, "replicas", 1);
        PodTemplateRules.defaultSpec(Json.with(spec, "template"));
    }

    public static void statefulSet(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        defaultText(spec, "podManagementPolicy", "OrderedReady");
        ObjectNode us = Json.with(spec, "updateStrategy");
        defaultText(us, "type", "RollingUpdate");
        if (us.get("type").asText().equals("RollingUpdate")) {
            defaultNumber(Json.with(us, "rollingUpdate"), "partition", 0);
        }
        ObjectNode retention = Json.with(spec, "persistentVolumeClaimRetentionPolicy");
        defaultText(retention, "whenDeleted", "Retain");
        defaultText(retention, "whenScaled", "Retain");
        defaultNumber(spec, "replicas", 1);
        defaultNumber(spec, "revisionHistoryLimit", 10);
        PodTemplateRules.defaultSpec(Json.with(spec, "template"));
    }

    public static void daemonSet(ObjectNode obj) {
        ObjectNode spec = Json.with(obj, "spec");
        ObjectNode us = Json.with(spec, "updateStrategy");
        defaultText(us, "type", "RollingUpdate");
        if (us.get("type").asText().equals("RollingUpdate")) {
            ObjectNode ru = Json.with(us, "rollingUpdate");
            if (!ru.hasNonNull("maxUnavailable")) {
                ru.put("maxUnavailable", 1);
            }
            if (!ru.hasNonNull("maxSurge")) {
                ru.put("maxSurge", 0);
            }
        }
        defaultNumber(spec, "revisionHistoryLimit", 10);
        PodTemplateRules.defaultSpec(Json.with(spec, "template"));
    }
}
