package io.kube4j.apiserver.resources;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kube4j.apimachinery.errors.StatusException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BatchStrategiesTest {
    private final GroupStores stores = new GroupStores();

    @AfterEach
    void close() {
        stores.close();
    }

    private static String job(String name, String podSpecExtra) {
        return "{'metadata':{'name':'" + name + "'},'spec':{'template':{'spec':{" + podSpecExtra
                + "'containers':[{'name':'pi','image':'perl'}]}}}}";
    }

    @Test
    void jobGetsAGeneratedSelectorLabelsAndDefaults() {
        ObjectNode j = stores.create("batch/jobs", "default", job("pi", "'restartPolicy':'Never',"));
        String uid = j.at("/metadata/uid").asText();
        assertThat(uid).isNotEmpty();
        assertThat(j.at("/spec/selector").toString())
                .isEqualTo("{\"matchLabels\":{\"batch.kubernetes.io/controller-uid\":\"" + uid + "\"}}");
        ObjectNode labels = (ObjectNode) j.at("/spec/template/metadata/labels");
        assertThat(labels.get("batch.kubernetes.io/controller-uid").asText()).isEqualTo(uid);
        assertThat(labels.get("batch.kubernetes.io/job-name").asText()).isEqualTo("pi");
        assertThat(labels.get("controller-uid").asText()).isEqualTo(uid);
        assertThat(labels.get("job-name").asText()).isEqualTo("pi");
        assertThat(j.at("/metadata/labels")).isEqualTo(labels);
        assertThat(j.at("/spec/completions").asInt()).isEqualTo(1);
        assertThat(j.at("/spec/parallelism").asInt()).isEqualTo(1);
        assertThat(j.at("/spec/backoffLimit").asInt()).isEqualTo(6);
        assertThat(j.at("/spec/completionMode").asText()).isEqualTo("NonIndexed");
        assertThat(j.at("/spec/suspend").asBoolean(true)).isFalse();
        assertThat(j.at("/spec/podReplacementPolicy").asText()).isEqualTo("TerminatingOrFailed");
        assertThat(j.get("status").isEmpty()).isTrue();
    }

    @Test
    void parallelismAloneLeavesCompletionsUnset() {
        ObjectNode j = stores.create("batch/jobs", "default",
                "{'metadata':{'name':'w'},'spec':{'parallelism':3,'template':{'spec':{'restartPolicy':'OnFailure',"
                        + "'containers':[{'name':'c','image':'busybox'}]}}}}");
        assertThat(j.at("/spec/parallelism").asInt()).isEqualTo(3);
        assertThat(j.at("/spec").has("completions")).isFalse();
    }

    @Test
    void jobRestartPolicyMustBeChosen() {
        stores.assertCreateInvalid("batch/jobs", "default", job("pi", ""),
                "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
        stores.assertCreateInvalid("batch/jobs", "default", job("pi", "'restartPolicy':'Always',"),
                "Job.batch \"pi\" is invalid: spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\"");
    }

    @Test
    void manualSelectorMustMatchTheTemplate() {
        stores.assertCreateInvalid("batch/jobs", "default",
                "{'metadata':{'name':'m'},'spec':{'manualSelector':true,'selector':{'matchLabels':{'a':'b'}},"
                        + "'template':{'metadata':{'labels':{'a':'c'}},'spec':{'restartPolicy':'Never',"
                        + "'containers':[{'name':'c','image':'busybox'}]}}}}",
                "Job.batch \"m\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"a\":\"c\"}: "
                        + "`selector` does not match template `labels`");
    }

    @Test
    void conflictingGeneratedLabelIsRejected() {
        assertThatThrownBy(() -> stores.create("batch/jobs", "default",
                "{'metadata':{'name':'x'},'spec':{'template':{'metadata':{'labels':{'job-name':'other'}},'spec':"
                        + "{'restartPolicy':'Never','containers':[{'name':'c','image':'busybox'}]}}}}"))
                .isInstanceOf(StatusException.class)
                .hasMessageContaining("spec.template.metadata.labels[job-name]: Invalid value: map[string]string{")
                .hasMessageContaining("must be 'x'");
    }

    @Test
    void jobTemplateAndCompletionsAreImmutable() {
        ObjectNode j = stores.create("batch/jobs", "default", job("pi", "'restartPolicy':'Never',"));
        ObjectNode changed = j.deepCopy();
        ((ObjectNode) changed.at("/spec/template/spec/containers/0")).put("image", "perl:5");
        assertThatThrownBy(() -> stores.update("batch/jobs", "default", changed))
                .hasMessage("Job.batch \"pi\" is invalid: spec.template: Invalid value: field is immutable");
        ObjectNode more = j.deepCopy();
        ((ObjectNode) more.get("spec")).put("completions", 4);
        assertThatThrownBy(() -> stores.update("batch/jobs", "default", more))
                .hasMessage("Job.batch \"pi\" is invalid: spec.completions: Invalid value: 4: field is immutable");
        ObjectNode suspended = j.deepCopy();
        ((ObjectNode) suspended.get("spec")).put("suspend", true);
        assertThat(stores.update("batch/jobs", "default", suspended).at("/metadata/generation").asInt()).isEqualTo(2);
    }

    @Test
    void suspendedJobThatNeverRanMayChangeSchedulingDirectives() {
        ObjectNode j = stores.create("batch/jobs", "default",
                "{'metadata':{'name':'s'},'spec':{'suspend':true,'template':{'spec':{'restartPolicy':'Never',"
                        + "'containers':[{'name':'c','image':'busybox'}]}}}}");
        ObjectNode changed = j.deepCopy();
        ((ObjectNode) changed.at("/spec/template/spec")).putObject("nodeSelector").put("zone", "a");
        assertThat(stores.update("batch/jobs", "default", changed).at("/spec/template/spec/nodeSelector/zone").asText())
                .isEqualTo("a");
    }

    @Test
    void jobSelectableFieldIsStatusSuccessful() {
        assertThat(stores.store("batch/jobs").strategy().selectableFields(GroupStores.parse("{'status':{'succeeded':2}}")))
                .containsEntry("status.successful", "2");
    }

    private static String cronJob(String name, String specExtra) {
        return "{'metadata':{'name':'" + name + "'},'spec':{" + specExtra + "'jobTemplate':{'spec':{'template':{'spec':"
                + "{'restartPolicy':'OnFailure','containers':[{'name':'c','image':'busybox'}]}}}}}}";
    }

    @Test
    void cronJobDefaults() {
        ObjectNode c = stores.create("batch/cronjobs", "default", cronJob("hello", "'schedule':'*/5 * * * *',"));
        assertThat(c.at("/spec/concurrencyPolicy").asText()).isEqualTo("Allow");
        assertThat(c.at("/spec/suspend").asBoolean(true)).isFalse();
        assertThat(c.at("/spec/successfulJobsHistoryLimit").asInt()).isEqualTo(3);
        assertThat(c.at("/spec/failedJobsHistoryLimit").asInt()).isEqualTo(1);
        // the job template is not defaulted like a Job
        assertThat(c.at("/spec/jobTemplate/spec").has("backoffLimit")).isFalse();
        assertThat(c.at("/spec/jobTemplate/spec/template/spec/dnsPolicy").asText()).isEqualTo("ClusterFirst");
        assertThat(c.get("status").isEmpty()).isTrue();
    }

    @Test
    void cronJobScheduleAndTimeZoneErrors() {
        stores.assertCreateInvalid("batch/cronjobs", "default", cronJob("a", "'schedule':'61 * * * *',"),
                "CronJob.batch \"a\" is invalid: spec.schedule: Invalid value: \"61 * * * *\": "
                        + "end of range (61) above maximum (59): 61");
        stores.assertCreateInvalid("batch/cronjobs", "default", cronJob("b", "'schedule':'CRON_TZ=UTC 0 * * * *',"),
                "CronJob.batch \"b\" is invalid: spec.schedule: Invalid value: \"CRON_TZ=UTC 0 * * * *\": "
                        + "cannot use TZ or CRON_TZ in schedule, use timeZone field instead");
        stores.assertCreateInvalid("batch/cronjobs", "default",
                cronJob("c", "'schedule':'@daily','timeZone':'Mars/Olympus',"),
                "CronJob.batch \"c\" is invalid: spec.timeZone: Invalid value: \"Mars/Olympus\": unknown time zone Mars/Olympus");
        stores.assertCreateInvalid("batch/cronjobs", "default", cronJob("d", ""),
                "CronJob.batch \"d\" is invalid: spec.schedule: Required value");
        stores.assertCreateInvalid("batch/cronjobs", "default", cronJob("e", "'schedule':'@daily','timeZone':'Local',"),
                "CronJob.batch \"e\" is invalid: spec.timeZone: Invalid value: \"Local\": "
                        + "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones");
        String longName = "x".repeat(53);
        stores.assertCreateInvalid("batch/cronjobs", "default", cronJob(longName, "'schedule':'@hourly',"),
                "CronJob.batch \"" + longName + "\" is invalid: metadata.name: Invalid value: \"" + longName
                        + "\": must be no more than 52 characters");
    }

    @Test
    void cronJobAcceptsDescriptorsEveryAndZones() {
        stores.create("batch/cronjobs", "default", cronJob("a", "'schedule':'@every 1h',"));
        ObjectNode c = stores.create("batch/cronjobs", "default",
                cronJob("b", "'schedule':'0 9 * * mon-fri','timeZone':'Europe/Berlin',"));
        assertThat(c.at("/spec/timeZone").asText()).isEqualTo("Europe/Berlin");
    }

    @Test
    void cronJobTemplateRules() {
        stores.assertCreateInvalid("batch/cronjobs", "default",
                "{'metadata':{'name':'t'},'spec':{'schedule':'@daily','jobTemplate':{'spec':{'selector':{'matchLabels':"
                        + "{'a':'b'}},'template':{'spec':{'restartPolicy':'Never','containers':[{'name':'c','image':'x'}]}}}}}}",
                "CronJob.batch \"t\" is invalid: spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{"
                        + "MatchLabels:map[string]string{\"a\":\"b\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: "
                        + "`selector` will be auto-generated");
    }
}
