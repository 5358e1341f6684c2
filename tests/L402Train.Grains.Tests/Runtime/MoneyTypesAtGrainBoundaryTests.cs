using System.Reflection;
using L402Train.Grains.Payments;
using L402Train.Lightning;

namespace L402Train.Grains.Tests.Runtime;

/// <summary>
/// Money crosses grain boundaries typed: no grain interface method, grain state record or job
/// payload carries an amount as a <c>long …Sat</c> or a hash or preimage as a <c>string</c>; they are
/// <see cref="Sats"/>, <see cref="MilliSats"/>, <see cref="PaymentHash"/> and <see cref="Preimage"/>.
/// </summary>
public sealed class MoneyTypesAtGrainBoundaryTests
{
    private static readonly Assembly Grains = typeof(IInvoiceGrain).Assembly;

    [Fact]
    public void No_grain_interface_method_takes_or_returns_a_raw_amount_or_hash()
    {
        var raw = Grains.GetTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .SelectMany(i => i.GetMethods().Select(m => (Interface: i, Method: m)))
            .SelectMany(x => x.Method.GetParameters()
                .Where(p => IsRawMoney(p.ParameterType, p.Name!))
                .Select(p => $"{x.Interface.Name}.{x.Method.Name}({p.ParameterType.Name} {p.Name})"))
            .ToList();

        Assert.Empty(raw);
    }

    [Fact]
    public void No_grain_state_job_payload_or_grain_message_holds_a_raw_amount_or_hash()
    {
        var raw = Boundary().SelectMany(t => DataMembers(t).Where(m => IsRawMoney(m.Type, m.Name)).Select(m => $"{t.Name}.{m.Name} ({m.Type.Name})")).ToList();

        Assert.Empty(raw);
    }

    [Fact]
    public void The_boundary_includes_the_records_where_money_lives()
    {
        // Guards the discovery below: were it to find nothing, the test above would pass vacuously.
        var found = Boundary().ToHashSet();
        Assert.Contains(typeof(Training.SubmissionState), found);
        Assert.Contains(typeof(Training.NewSubmission), found);
        Assert.Contains(typeof(Bounties.Submissions.BountySubmissionState), found);
        Assert.Contains(typeof(Bounties.Catalog.BountyPool), found);
        Assert.Contains(typeof(HoldTokenState), found);
        Assert.Contains(typeof(DepositJob), found);
        Assert.Contains(typeof(RewardJob), found);
        Assert.Contains(typeof(UnfiledDepositJob), found);
        Assert.Contains(typeof(Workers.ExperimentRunJob), found);
        Assert.Contains(typeof(LedgerEntry), found);
    }

    [Fact]
    public void The_rule_catches_a_raw_amount_and_a_raw_hash()
    {
        Assert.True(IsRawMoney(typeof(long), "RewardSat"));
        Assert.True(IsRawMoney(typeof(long?), "AmountMsat"));
        Assert.True(IsRawMoney(typeof(string), "ClaimPaymentHash"));
        Assert.True(IsRawMoney(typeof(string), "paymentHash"));
        Assert.False(IsRawMoney(typeof(Sats), "RewardSat"));
        Assert.False(IsRawMoney(typeof(PaymentHash?), "ClaimPaymentHash"));
        Assert.False(IsRawMoney(typeof(long), "RateSatPerUnit"));
    }

    private static bool IsRawMoney(Type type, string name)
    {
        var t = Nullable.GetUnderlyingType(type) ?? type;
        if (t == typeof(long) || t == typeof(int) || t == typeof(decimal))
            return name.EndsWith("Sat", StringComparison.OrdinalIgnoreCase) || name.EndsWith("Sats", StringComparison.OrdinalIgnoreCase)
                || name.EndsWith("Msat", StringComparison.OrdinalIgnoreCase);
        return t == typeof(string)
            && (name.EndsWith("PaymentHash", StringComparison.OrdinalIgnoreCase) || name.EndsWith("Preimage", StringComparison.OrdinalIgnoreCase));
    }

    // Grain interface messages, persistent state, job payloads (records named *Job), and every type of ours inside them.
    private static IEnumerable<Type> Boundary()
    {
        var roots = Grains.GetTypes()
            .Where(t => t.IsInterface && typeof(IAddressable).IsAssignableFrom(t))
            .SelectMany(i => i.GetMethods())
            .SelectMany(m => m.GetParameters().Select(p => p.ParameterType).Append(m.ReturnType))
            .Concat(Grains.GetTypes().SelectMany(t => t.GetConstructors())
                .SelectMany(c => c.GetParameters())
                .Where(p => p.IsDefined(typeof(PersistentStateAttribute)))
                .Select(p => p.ParameterType.GetGenericArguments().Single()))
            .Concat(Grains.GetTypes().Where(t => t.Name.EndsWith("Job", StringComparison.Ordinal) && t.GetMethod("<Clone>$") is not null));
        var seen = new HashSet<Type>();
        var queue = new Queue<Type>(roots.SelectMany(Unwrap));
        while (queue.TryDequeue(out var type))
        {
            if (type.Assembly != Grains || type.IsEnum || type.IsInterface || !seen.Add(type)) continue;
            foreach (var member in DataMembers(type).SelectMany(m => Unwrap(m.Type))) queue.Enqueue(member);
        }
        return seen;
    }

    // What is stored or sent: settable properties and constructor parameters (not computed views).
    private static IEnumerable<(string Name, Type Type)> DataMembers(Type type)
    {
        var parameters = type.GetConstructors().SelectMany(c => c.GetParameters()).Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is not null || parameters.Contains(p.Name))
            .Select(p => (p.Name, p.PropertyType));
    }

    private static IEnumerable<Type> Unwrap(Type type) =>
        type.IsGenericType ? type.GetGenericArguments().SelectMany(Unwrap).Prepend(type) : type.IsArray ? Unwrap(type.GetElementType()!) : [type];
}
