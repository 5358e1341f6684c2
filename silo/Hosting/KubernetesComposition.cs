using System.Net;

namespace L402Train.Silo.Hosting;

/// <summary>
/// The pod a silo runs in under Orleans' Kubernetes hosting, as the downward API tells it
/// (<c>POD_NAME</c>, <c>POD_NAMESPACE</c>, <c>POD_IP</c>).
/// </summary>
/// <param name="Name">The pod's name: the silo's name and id.</param>
/// <param name="Namespace">The namespace whose pods Orleans watches.</param>
/// <param name="Ip">The pod's address: what the silo publishes in membership.</param>
internal sealed record KubernetesPod(string Name, string Namespace, IPAddress Ip);

/// <summary>
/// Orleans' Kubernetes hosting (<c>Microsoft.Orleans.Hosting.Kubernetes</c>) on top of the PostgreSQL
/// membership: turned on by <c>--kubernetes</c> (<c>L402TRAIN_KUBERNETES=true</c>), never guessed from
/// the environment, because it makes the silo watch, label and delete pods through the Kubernetes API.
/// Membership stays in PostgreSQL; the pods are a second opinion: a silo whose pod is gone is declared
/// dead at once instead of after missed probes, and the silo's name is its pod's.
/// </summary>
internal static class KubernetesComposition
{
    /// <summary>The downward-API variables the hosting needs, in the order an error names them.</summary>
    public static readonly IReadOnlyList<string> PodVariables = ["POD_NAME", "POD_NAMESPACE", "POD_IP"];

    /// <summary>
    /// Reads <c>--kubernetes</c>: null when off. On, it needs a PostgreSQL store (membership lives there)
    /// and the <see cref="PodVariables"/>; a missing one stops start-up naming it.
    /// </summary>
    public static KubernetesPod? Parse(string? enabled, string storeKind, IReadOnlyDictionary<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(storeKind);
        ArgumentNullException.ThrowIfNull(environment);
        var on = false;
        if (enabled is { Length: > 0 } && !bool.TryParse(enabled, out on))
            throw new SiloSettingException("kubernetes", $"'{enabled}' is not true or false");
        if (!on) return null;
        if (storeKind != "postgres")
            throw new SiloSettingException("kubernetes", $"Orleans' Kubernetes hosting runs on the PostgreSQL membership, not on a {storeKind} store; use --store postgres:<connection string> or leave --kubernetes off");
        var missing = PodVariables.Where(v => !environment.TryGetValue(v, out var value) || string.IsNullOrWhiteSpace(value)).ToList();
        if (missing.Count > 0)
            throw new SiloSettingException("kubernetes", $"{string.Join(", ", missing)} {(missing.Count == 1 ? "is" : "are")} not set; set POD_NAME, POD_NAMESPACE and POD_IP from the downward API (fieldRef metadata.name, metadata.namespace, status.podIP), as helm/l402train does, or leave --kubernetes off");
        var ipText = environment["POD_IP"]!.Trim();
        if (!IPAddress.TryParse(ipText, out var ip))
            throw new SiloSettingException("kubernetes", $"POD_IP '{ipText}' is not an IP address; set it from the downward API (fieldRef status.podIP)");
        return new KubernetesPod(environment["POD_NAME"]!.Trim(), environment["POD_NAMESPACE"]!.Trim(), ip);
    }

    /// <summary>
    /// The silo id under Kubernetes hosting: the pod's name (Orleans refuses a silo name other than its pod's).
    /// An explicit <c>L402TRAIN_SILOID</c> that differs stops start-up rather than being dropped in silence.
    /// </summary>
    public static string SiloId(KubernetesPod pod, string? configured)
    {
        ArgumentNullException.ThrowIfNull(pod);
        if (configured is { Length: > 0 } && !string.Equals(configured, pod.Name, StringComparison.Ordinal))
            throw new SiloSettingException("kubernetes", $"the silo id '{configured}' (L402TRAIN_SILOID) is not the pod's name '{pod.Name}'; under Kubernetes hosting a silo is named after its pod: unset L402TRAIN_SILOID");
        return pod.Name;
    }

    /// <summary>Adds Orleans' Kubernetes hosting when <paramref name="settings"/> ask for it (after the PostgreSQL clustering).</summary>
    public static ISiloBuilder AddKubernetesHosting(this ISiloBuilder silo, SiloSettings settings)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(settings);
        // Orleans reads the POD_* variables itself; Parse has checked them, so its own validation cannot fail later.
        return settings.Kubernetes is null ? silo : silo.UseKubernetesHosting();
    }
}
