using System.Globalization;

namespace L402Train.Silo.Hosting;

/// <summary>Reads one optional typed setting, failing start-up with a message naming its option when the value is bad.</summary>
internal static class SettingReader
{
    /// <summary>The value of <paramref name="key"/>, or <paramref name="fallback"/> when unset; a value that does not parse or fails <paramref name="valid"/> names <paramref name="option"/> and what was <paramref name="expected"/>.</summary>
    public static T Read<T>(IConfiguration config, string key, string option, T fallback, Func<T, bool> valid, string expected) where T : IParsable<T>
    {
        var text = config[key];
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        return T.TryParse(text.Trim(), CultureInfo.InvariantCulture, out var value) && valid(value)
            ? value
            : throw new SiloSettingException(option, $"'{text}' is not {expected}");
    }
}
