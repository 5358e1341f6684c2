namespace L402Train.Model.Tokenizer;

/// <summary>Turns text into token ids and back.</summary>
public interface ITokenizer
{
    /// <summary>Number of distinct token ids (the model's V).</summary>
    int VocabularySize { get; }

    /// <summary>The id placed between documents.</summary>
    int EndOfText { get; }

    /// <summary>Token ids of a text.</summary>
    int[] Encode(string text);

    /// <summary>Text of token ids.</summary>
    string Decode(ReadOnlySpan<int> tokens);
}
