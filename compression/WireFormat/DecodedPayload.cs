namespace L402Train.Compression;

/// <summary>A payload that passed every check: its version, header metadata and sparse tensors.</summary>
/// <param name="Version">The wire version it was written in.</param>
/// <param name="Metadata">Header metadata (base version, peer id, …).</param>
/// <param name="Submission">The sparse tensors, in manifest order.</param>
/// <param name="Length">Bytes read, checksum included.</param>
public sealed record DecodedPayload(WireVersion Version, PayloadMetadata Metadata, SparseSubmission Submission, long Length);
