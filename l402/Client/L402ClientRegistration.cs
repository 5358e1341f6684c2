using L402Train.Lightning;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace L402Train.L402.Client;

/// <summary>Registers the paying handler on named or typed <see cref="HttpClient"/>s.</summary>
public static class L402ClientRegistration
{
    /// <summary>
    /// Adds <see cref="L402PaymentHandler"/> to an HttpClient. Needs an <see cref="ILightningNode"/>
    /// (the wallet) in DI; uses <see cref="L402ClientOptions"/>, <see cref="IL402TokenStore"/> and
    /// <see cref="IPaymentReceiptSink"/> from DI when registered. One <see cref="BudgetLedger"/> is
    /// shared by every handler instance, so the factory's handler rotation never resets a budget.
    /// </summary>
    public static IHttpClientBuilder AddL402Payments(this IHttpClientBuilder builder, L402ClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(options ?? new L402ClientOptions());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<IL402TokenStore, InMemoryL402TokenStore>();
        services.TryAddSingleton(sp => new BudgetLedger(sp.GetRequiredService<L402ClientOptions>().Budget, sp.GetRequiredService<TimeProvider>()));
        return builder.AddHttpMessageHandler(sp => new L402PaymentHandler(
            sp.GetRequiredService<ILightningNode>(),
            sp.GetRequiredService<L402ClientOptions>(),
            sp.GetRequiredService<IL402TokenStore>(),
            sp.GetService<IPaymentReceiptSink>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<BudgetLedger>()));
    }
}
