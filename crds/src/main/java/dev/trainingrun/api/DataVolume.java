package dev.trainingrun.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.api.model.CSIVolumeSource;
import io.fabric8.kubernetes.api.model.HostPathVolumeSource;
import io.fabric8.kubernetes.api.model.NFSVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;

/**
 * The Kubernetes volume source that holds the data set; exactly one kind is set, with the fields a pod's volume of
 * that kind cannot do without.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = RequiredStrings.class,
        input = "persistentVolumeClaim.claimName,nfs.server,nfs.path,csi.driver,hostPath.path")
@ValidationRule(value = "!has(self.nfs) || self.nfs.path.startsWith('/')",
        message = "nfs.path must be an absolute path on the NFS server", fieldPath = ".nfs.path")
@ValidationRule(
        value = "[has(self.persistentVolumeClaim), has(self.nfs), has(self.csi), has(self.hostPath)]"
                + ".filter(x, x).size() == 1",
        message = "set exactly one of persistentVolumeClaim, nfs, csi or hostPath")
public class DataVolume {
    @JsonPropertyDescription("An existing PersistentVolumeClaim in the run's namespace.")
    private PersistentVolumeClaimVolumeSource persistentVolumeClaim;

    @JsonPropertyDescription("An NFS export, from a server the operator's security policy allows "
            + "(policy.nfsServers, none by default).")
    private NFSVolumeSource nfs;

    @JsonPropertyDescription("A CSI driver's inline volume, of a driver the operator's security policy allows "
            + "(policy.csiDrivers, none by default).")
    private CSIVolumeSource csi;

    @JsonPropertyDescription("A directory on the node, only where the operator's security policy allows it "
            + "(policy.hostPathPrefixes, none by default); namespaces that enforce the restricted pod security "
            + "profile refuse it too, so it suits single-node development only.")
    private HostPathVolumeSource hostPath;

    public PersistentVolumeClaimVolumeSource getPersistentVolumeClaim() {
        return persistentVolumeClaim;
    }

    public void setPersistentVolumeClaim(PersistentVolumeClaimVolumeSource persistentVolumeClaim) {
        this.persistentVolumeClaim = persistentVolumeClaim;
    }

    public NFSVolumeSource getNfs() {
        return nfs;
    }

    public void setNfs(NFSVolumeSource nfs) {
        this.nfs = nfs;
    }

    public CSIVolumeSource getCsi() {
        return csi;
    }

    public void setCsi(CSIVolumeSource csi) {
        this.csi = csi;
    }

    public HostPathVolumeSource getHostPath() {
        return hostPath;
    }

    public void setHostPath(HostPathVolumeSource hostPath) {
        this.hostPath = hostPath;
    }
}
