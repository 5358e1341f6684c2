using L402Train.Lightning;
using L402Train.Model.Inference;

namespace L402Train.Gateway.Inference;

/// <summary>A chat request that passed validation: the prompt's tokens, the generation options and the price they fix.</summary>
/// <param name="PromptTokens">The rendered prompt, one token per UTF-8 byte.</param>
/// <param name="Options">Token limit, sampling and the end-of-text stop token.</param>
/// <param name="Stream">Answer as server-sent events.</param>
/// <param name="Price">What the request costs (the L402 token is bound to it).</param>
internal sealed record ValidatedChat(int[] PromptTokens, GenerationOptions Options, bool Stream, Sats Price);
