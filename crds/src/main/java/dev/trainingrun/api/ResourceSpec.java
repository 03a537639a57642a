package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.Default;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Size;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;

/** What the training pod asks of the cluster and where it may be scheduled. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = QuantityPattern.class, input = "cpu,memory")
public class ResourceSpec {
    @JsonPropertyDescription("GPUs for the training pod, requested as a limit of gpuResourceName; "
            + "0 trains on the CPU. Several GPUs split each batch between them.")
    @Default("1")
    @Min(0)
    @Max(64)
    private int gpus = 1;

    @JsonPropertyDescription("Extended resource name under which nodes advertise GPUs.")
    @Default("nvidia.com/gpu")
    @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
    private String gpuResourceName = "nvidia.com/gpu";

    @JsonPropertyDescription("CPU request and limit of the training pod, e.g. 4 or 3500m; none when left out.")
    private Quantity cpu;

    @JsonPropertyDescription("Memory request and limit of the training pod, e.g. 16Gi; none when left out.")
    private Quantity memory;

    @JsonPropertyDescription("Node labels the training pod must match.")
    @Size(max = 64)
    private Map<String, String> nodeSelector;

    @JsonPropertyDescription("Taints the training pod tolerates, e.g. those of dedicated GPU nodes.")
    @Size(max = 64)
    private List<Toleration> tolerations;

    @JsonPropertyDescription("PriorityClass of the training pod, for preemption among runs: one the operator's "
            + "security policy allows (policy.priorityClassNames); none when left out.")
    @Pattern(SchemaPatterns.DNS_SUBDOMAIN)
    private String priorityClassName;

    @JsonPropertyDescription("Scheduler that places the training pod; the cluster's default when left out, "
            + "another only where the operator's security policy allows it (policy.schedulerNames).")
    @Size(min = 1)
    private String schedulerName;

    public int getGpus() {
        return gpus;
    }

    public void setGpus(int gpus) {
        this.gpus = gpus;
    }

    public String getGpuResourceName() {
        return gpuResourceName;
    }

    public void setGpuResourceName(String gpuResourceName) {
        this.gpuResourceName = gpuResourceName;
    }

    public Quantity getCpu() {
        return cpu;
    }

    public void setCpu(Quantity cpu) {
        this.cpu = cpu;
    }

    public Quantity getMemory() {
        return memory;
    }

    public void setMemory(Quantity memory) {
        this.memory = memory;
    }

    public Map<String, String> getNodeSelector() {
        return nodeSelector;
    }

    public void setNodeSelector(Map<String, String> nodeSelector) {
        this.nodeSelector = nodeSelector;
    }

    public List<Toleration> getTolerations() {
        return tolerations;
    }

    public void setTolerations(List<Toleration> tolerations) {
        this.tolerations = tolerations;
    }

    public String getPriorityClassName() {
        return priorityClassName;
    }

    public void setPriorityClassName(String priorityClassName) {
        this.priorityClassName = priorityClassName;
    }

    public String getSchedulerName() {
        return schedulerName;
    }

    public void setSchedulerName(String schedulerName) {
        this.schedulerName = schedulerName;
    }
}
