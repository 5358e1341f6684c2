using System.Globalization;
using L402Train.Gateway.Apis;
using L402Train.Gateway.Inference;

namespace L402Train.Silo.Hosting;

/// <summary>Composes OpenAI-compatible inference and the service directory into a silo (docs/inference.md).</summary>
internal static class InferenceComposition
{
    /// <summary>
    /// Reads <c>--inference-base-sat</c>, <c>--inference-msat-per-token</c>, <c>--inference-max-tokens</c>
    /// and <c>--inference-concurrency</c>; a wrong one stops start-up naming it.
    /// </summary>
    public static InferenceOptions Parse(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var defaults = new InferenceOptions();
        var options = defaults with
        {
            BaseSat = Read(config, "InferenceBaseSat", "inference-base-sat", defaults.BaseSat),
            MsatPerToken = Read(config, "InferenceMsatPerToken", "inference-msat-per-token", defaults.MsatPerToken),
            MaxTokens = (int)Read(config, "InferenceMaxTokens", "inference-max-tokens", defaults.MaxTokens),
            Concurrency = (int)Read(config, "InferenceConcurrency", "inference-concurrency", defaults.Concurrency),
        };
        options = options with { DefaultMaxTokens = Math.Min(options.DefaultMaxTokens, options.MaxTokens) };
        if (options.Validate() is { } wrong) throw new SiloSettingException(wrong.Setting, $"use {wrong.Problem}");
        return options;
    }

    /// <summary>Registers the served model, the generation slots and the single-use token claims.</summary>
    public static WebApplicationBuilder AddInference(this WebApplicationBuilder builder, InferenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddInference(options);
        return builder;
    }

    /// <summary>Maps <c>/v1/models</c>, <c>/v1/chat/completions</c> and <c>/api/v1/services</c>.</summary>
    public static WebApplication MapInference(this WebApplication app)
    {
        app.MapInferenceApi();
        app.MapDirectoryApi();
        return app;
    }

    private static long Read(IConfiguration config, string key, string option, long fallback)
    {
        var text = config[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return long.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value <= int.MaxValue
            ? value
            : throw new SiloSettingException(option, $"'{text}' is not a whole number ≥ 0");
    }
}
