using System.Text.RegularExpressions;

namespace L402Train.Silo.Tests.Deploy;

/// <summary>
/// A Helm template as plain YAML: a line holding only directives (<c>{{- if … }}</c>, <c>{{- include … | nindent 4 }}</c>)
/// is dropped, and any other directive becomes a distinct placeholder (<c>x1</c>, <c>x2</c>, …, so that two
/// templated keys of one mapping stay distinct). Both branches of an <c>if</c> remain, so they must not clash.
/// </summary>
internal static partial class HelmTemplateText
{
    public static string StripDirectives(string template)
    {
        var withoutComments = TemplateComment().Replace(template, "");
        var count = 0;
        var lines = withoutComments.Split('\n')
            .Where(line => Directive().Replace(line, "").Trim().Length > 0 || !Directive().IsMatch(line))
            .Select(line => Directive().Replace(line, _ => $"x{++count}"));
        return string.Join('\n', lines);
    }

    /// <summary>The dotted paths after <paramref name="prefix"/> (e.g. <c>.Values</c> or <c>$roleValues</c>) in <paramref name="template"/>.</summary>
    public static IEnumerable<string> PathsAfter(string prefix, string template) =>
        Regex.Matches(template, Regex.Escape(prefix) + @"((?:\.[A-Za-z_][A-Za-z0-9_]*)+)").Select(m => m.Groups[1].Value[1..]);

    [GeneratedRegex(@"\{\{-?\s*/\*.*?\*/\s*-?\}\}", RegexOptions.Singleline)]
    private static partial Regex TemplateComment();

    [GeneratedRegex(@"\{\{.*?\}\}")]
    private static partial Regex Directive();
}
