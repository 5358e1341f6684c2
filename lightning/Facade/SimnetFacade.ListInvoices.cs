using System.Globalization;
using L402Train.Lightning.Lnd;
using Microsoft.AspNetCore.Http;

namespace L402Train.Lightning.Facade;

public static partial class SimnetFacade
{
    // lnrpc.ListInvoiceRequest as LND's REST gateway reads it from the query string: every field by its proto
    // name or its lowerCamelCase JSON name, all honoured. grpc-gateway ignores parameters that name no field
    // and answers 400 (code 3) to a value it cannot parse; num_max_invoices 0 means LND's default of 100.
    private static Task<Reply?> ListInvoices(RequestContext r)
    {
        var query = r.Http.Request.Query;
        var start = QueryUInt64(query, "creation_date_start");
        var end = QueryUInt64(query, "creation_date_end");
        if (start != 0 && end != 0 && start > end)
            throw new ArgumentException(FormattableString.Invariant($"start date({start}) is after end date({end})"));
        var request = new InvoiceQuery(
            IndexOffset: Clamp(QueryUInt64(query, "index_offset"), long.MaxValue),
            MaxInvoices: (int)Clamp(QueryUInt64(query, "num_max_invoices"), int.MaxValue),
            Reversed: QueryBool(query, "reversed"),
            PendingOnly: QueryBool(query, "pending_only"));
        var page = r.Node.Network.ListInvoices(r.Node.Name, request, Clamp(start, long.MaxValue), Clamp(end, long.MaxValue));
        var invoices = page.Invoices.Select(invoice => InvoiceJson(r.Node, invoice.Hash)).ToList();
        return Task.FromResult<Reply?>(new Reply(new LndListInvoiceResponse
        {
            Invoices = invoices,
            FirstIndexOffset = page.FirstIndexOffset,
            LastIndexOffset = page.LastIndexOffset,
        }));
    }

    private static long Clamp(ulong value, long max) => value > (ulong)max ? max : (long)value;

    /// <summary>The parameter's value by proto name or JSON name; null when absent (the field's default).</summary>
    private static string? QueryValue(IQueryCollection query, string protoName)
    {
        if (query.TryGetValue(protoName, out var value) || query.TryGetValue(LndRequestMessage.JsonName(protoName), out value))
            return value.Count == 0 ? null : value[^1];
        return null;
    }

    private static ulong QueryUInt64(IQueryCollection query, string protoName)
    {
        var text = QueryValue(query, protoName);
        if (string.IsNullOrEmpty(text)) return 0;
        return ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"type mismatch, parameter: {protoName}, error: strconv.ParseUint: parsing \"{text}\": invalid syntax");
    }

    // Go's strconv.ParseBool, which grpc-gateway uses for bool parameters.
    private static bool QueryBool(IQueryCollection query, string protoName) => QueryValue(query, protoName) switch
    {
        null or "" => false,
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        var text => throw new FormatException($"type mismatch, parameter: {protoName}, error: strconv.ParseBool: parsing \"{text}\": invalid syntax"),
    };
}
