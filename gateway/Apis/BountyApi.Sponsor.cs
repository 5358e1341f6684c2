using L402Train.Gateway.Bounties;
using L402Train.Grains.Bounties.Catalog;
using L402Train.Grains.Bounties.Submissions;
using L402Train.Runtime;
using L402Train.L402.Gate;
using L402Train.Lightning;
using L402Train.Protocol;
using L402Train.Protocol.Bounties;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace L402Train.Gateway.Apis;

/// <summary>The sponsor's routes (submissions, cancel) and the public ones (leaderboard, held-out reveal).</summary>
public static partial class BountyApi
{
    private static async Task<Results<JsonHttpResult<SponsorSubmissionList>, ProblemHttpResult>> ListSubmissionsAsync(
        string id, HttpContext http, IGrainFactory grains, IBlobStore blobs, L402Gate gate, CancellationToken cancellationToken)
    {
        var bounty = http.Bounty();
        if (SponsorCredential.Check(http.Request, gate, id, bounty.Posted!.FundingPaymentHash) is { } denied)
            return TypedResults.Problem($"Sponsor only: {denied}.", statusCode: StatusCodes.Status401Unauthorized);
        var views = new List<BountySubmissionView>();
        foreach (var claim in bounty.Claims)
        {
            var state = await grains.GetGrain<IBountySubmissionGrain>(claim.SubmissionId).GetAsync();
            if (state.Received is null) continue;
            views.Add(await BountySubmissionViews.ForSponsorAsync(claim.SubmissionId, state, blob => ReadTextAsync(blobs, blob, cancellationToken)));
        }
        return TypedResults.Json(new SponsorSubmissionList(views), HttpJson.Options);
    }

    private static async Task<Results<JsonHttpResult<BountyCancelled>, ProblemHttpResult>> CancelAsync(
        string id, HttpContext http, IGrainFactory grains, ILightningNode node, L402Gate gate, TimeProvider time, CancellationToken cancellationToken)
    {
        var bounty = http.Bounty();
        if (SponsorCredential.Check(http.Request, gate, id, bounty.Posted!.FundingPaymentHash) is { } denied)
            return TypedResults.Problem($"Sponsor only: {denied}.", statusCode: StatusCodes.Status401Unauthorized);

        // The invoice is optional (nothing left to refund): look at the body before reading it as a claim invoice.
        http.Request.EnableBuffering();
        var peek = await RequestBody.ReadAsync(http.Request, 8192, cancellationToken);
        if (peek.Problem is { } tooBig) return tooBig;
        http.Request.Body.Position = 0;
        var text = System.Text.Encoding.UTF8.GetString(peek.Bytes!).Trim();
        RefundRequest? refund = null;
        if (text.Length > 0 && !IsEmptyObject(text))
        {
            var invoice = await ClaimInvoice.ReadAsync(http.Request, node, time, cancellationToken);
            if (invoice.Problem is { } bad) return bad;
            var amount = invoice.Details!.Amount!.Value.ToSatsFloor();
            refund = new RefundRequest(invoice.Details.Hash, invoice.Bolt11!, amount, SubmissionEndpoints.MaxFeeSat(amount));
        }

        var result = await grains.GetGrain<IBountyGrain>(id).CancelAsync(refund);
        return result.Outcome switch
        {
            CancelOutcome.Queued or CancelOutcome.AlreadyQueued or CancelOutcome.NothingToRefund =>
                TypedResults.Json(new BountyCancelled(id, ProtocolJson.Name(BountyStatus.Closed), result.RefundSat.Value, result.PaymentHash?.ToHex()), HttpJson.Options, statusCode: StatusCodes.Status202Accepted),
            CancelOutcome.InvoiceRequired => JsonBody.Bad($"Send {{\"invoice\": \"<bolt11>\"}} for exactly the remaining {result.RefundSat.Value} sat."),
            CancelOutcome.WrongAmount => TypedResults.Problem($"The invoice must be for exactly the remaining {result.RefundSat.Value} sat.", statusCode: StatusCodes.Status422UnprocessableEntity),
            CancelOutcome.NotFunded => TypedResults.Problem("The bounty is not funded yet; it closes on its own when the funding invoice expires.", statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Problem("The bounty's remainder was already refunded (or is being refunded) to another invoice.", statusCode: StatusCodes.Status409Conflict),
        };
    }

    private static JsonHttpResult<LeaderboardView> Leaderboard(string id, HttpContext http) =>
        TypedResults.Json(BountyViews.Leaderboard(id, http.Bounty()), HttpJson.Options);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> HeldOutAsync(string id, HttpContext http, IBlobStore blobs, CancellationToken cancellationToken)
    {
        var bounty = http.Bounty();
        if (bounty.Status != BountyStatus.Closed)
            return TypedResults.Problem("The held-out set is revealed when the bounty closes; its SHA-256 is heldout_sha256.", statusCode: StatusCodes.Status409Conflict);
        _ = ContentHash.TryParse(bounty.Posted!.HeldOutBlob, out var hash);
        using var bytes = new MemoryStream();
        await using (var stream = await blobs.OpenReadAsync(hash, cancellationToken)) await stream.CopyToAsync(bytes, cancellationToken);
        return TypedResults.File(bytes.ToArray(), "application/gzip", $"{id}-heldout.tar.gz");
    }

    private static bool IsEmptyObject(string text) =>
        text.StartsWith('{') && text.EndsWith('}') && text[1..^1].Trim().Length == 0;

    private static async Task<string?> ReadTextAsync(IBlobStore blobs, string? blob, CancellationToken cancellationToken)
    {
        if (!ContentHash.TryParse(blob, out var hash)) return null;
        await using var stream = await blobs.OpenReadAsync(hash, cancellationToken);
        using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
