using L402Train.Protocol.Inference;
using System.Text;

namespace L402Train.Gateway.Inference;

/// <summary>
/// How a chat becomes the byte-level prompt the GPT continues: one line per message,
/// <c>system: …</c>, <c>user: …</c>, <c>assistant: …</c>, then <c>assistant: </c> for the answer.
/// A newline inside a message is kept (the model reads bytes); the format is documented in docs/inference.md.
/// </summary>
internal static class ChatTemplate
{
    /// <summary>The roles a message may have.</summary>
    public static readonly IReadOnlySet<string> Roles = new HashSet<string>(StringComparer.Ordinal) { "system", "user", "assistant" };

    /// <summary>The prompt text of <paramref name="messages"/> (roles already checked).</summary>
    public static string Render(IEnumerable<ChatMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var text = new StringBuilder();
        foreach (var message in messages) text.Append(message.Role).Append(": ").Append(message.Content).Append('\n');
        return text.Append("assistant: ").ToString();
    }
}
