using L402Train.Model.Tokenizer;

namespace L402Train.Model.Corpus;

/// <summary>Documents tokenized and concatenated, each followed by the end-of-text token.</summary>
public sealed class TokenStream
{
    /// <summary>Wraps existing tokens (not copied).</summary>
    public TokenStream(int[] tokens, int documentCount)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        Tokens = tokens;
        DocumentCount = documentCount;
    }

    /// <summary>Tokenizes documents in order.</summary>
    public static TokenStream FromDocuments(IEnumerable<string> documents, ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(tokenizer);
        var tokens = new List<int>();
        var count = 0;
        foreach (var document in documents)
        {
            tokens.AddRange(tokenizer.Encode(document));
            tokens.Add(tokenizer.EndOfText);
            count++;
        }

        return new TokenStream([.. tokens], count);
    }

    /// <summary>All tokens.</summary>
    public int[] Tokens { get; }

    /// <summary>Number of documents the tokens came from.</summary>
    public int DocumentCount { get; }

    /// <summary>Number of tokens.</summary>
    public int Length => Tokens.Length;
}
