using System.Text;

namespace L402Train.Bounties.Shipped;

/// <summary>
/// Generates labelled messages for the shipped bounty from a seed. Spam and ham draw the same
/// kinds of words with different odds (links, money, urgency, shouting, exclamation marks,
/// greetings, length), with keywords in mixed case, so no single cue decides and tuned weights
/// beat the baseline without reaching 100%. Every message carries a unique reference code, so
/// answers memorised from one set say nothing about another.
/// </summary>
internal sealed class SpamMessageGenerator(int seed)
{
    private static readonly string[] Filler =
        ["the", "about", "we", "can", "please", "review", "attached", "notes", "your", "account", "for", "with",
         "this", "week", "update", "plan", "call", "me", "team", "order", "details", "check", "new", "list"];

    private static readonly string[] Links = ["http://deals.example.biz", "www.win-big.net", "docs.example.com", "http://t.co/x1", "shop.example.com"];
    private static readonly string[] Money = ["free", "cash", "prize", "win", "winner", "offer", "bonus", "$100", "$5000"];
    private static readonly string[] Urgent = ["now", "urgent", "limited", "today", "hurry", "act"];
    private static readonly string[] Greeting = ["hi", "hello", "thanks", "meeting", "lunch", "tomorrow", "cheers", "regards"];
    private static readonly string[] Shouts = ["FYI", "ASAP", "OK", "WOW", "CLICK", "URGENT", "FREE", "WINNER"];

    private readonly Random random = new(seed);

    /// <summary>Draws from <paramref name="source"/> instead of a 32-bit seed (a held-out set nobody can regenerate).</summary>
    internal SpamMessageGenerator(Random source) : this(0) => random = source;
    private readonly HashSet<string> codes = [];

    /// <summary>A "label\ttext\n" line per message, spam and ham in random order, about half each.</summary>
    public string Messages(int count)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            var spam = random.NextDouble() < 0.5;
            sb.Append(spam ? "spam" : "ham").Append('\t').Append(Message(spam)).Append('\n');
        }
        return sb.ToString();
    }

    /// <summary><paramref name="count"/> messages, each with the label its content was drawn for (its true label), alternating spam and ham.</summary>
    public IReadOnlyList<(bool Spam, string Text)> Labelled(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (i % 2 == 0, Message(i % 2 == 0)))];

    private string Message(bool spam)
    {
        var words = new List<string>();
        var fillerCount = spam ? random.Next(3, 10) : random.Next(6, 17);
        for (var i = 0; i < fillerCount; i++) { words.Add(Pick(Filler)); }
        Sprinkle(words, Links, spam ? 0.55 : 0.2, 1);
        Sprinkle(words, Money, spam ? 0.65 : 0.25, spam ? 2 : 1);
        Sprinkle(words, Urgent, spam ? 0.5 : 0.3, spam ? 2 : 1);
        Sprinkle(words, Greeting, spam ? 0.25 : 0.6, 2);
        if (random.NextDouble() < (spam ? 0.45 : 0.2)) { Insert(words, Pick(Shouts)); }
        Insert(words, "ref-" + Code());
        var exclaims = spam ? random.Next(0, 4) : (random.NextDouble() < 0.3 ? 1 : 0);
        var text = string.Join(' ', words);
        return text + new string('!', exclaims);
    }

    /// <summary>With probability <paramref name="chance"/>, inserts 1..max words of a kind, in mixed case.</summary>
    private void Sprinkle(List<string> words, string[] kind, double chance, int max)
    {
        if (random.NextDouble() >= chance) { return; }
        var count = random.Next(1, max + 1);
        for (var i = 0; i < count; i++) { Insert(words, MixCase(Pick(kind))); }
    }

    private string MixCase(string word) => random.Next(10) switch
    {
        < 5 => word,
        < 8 => char.ToUpperInvariant(word[0]) + word[1..],
        _ => word.ToUpperInvariant(),
    };

    private void Insert(List<string> words, string word) => words.Insert(random.Next(words.Count + 1), word);

    private string Pick(string[] from) => from[random.Next(from.Length)];

    private string Code()
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        while (true)
        {
            var code = string.Create(8, random, (span, r) => { for (var i = 0; i < span.Length; i++) { span[i] = alphabet[r.Next(alphabet.Length)]; } });
            if (codes.Add(code)) { return code; }
        }
    }
}
