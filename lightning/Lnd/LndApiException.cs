using System.Net;

namespace L402Train.Lightning.Lnd;

/// <summary>LND answered with an error this client has no more specific exception for; carries LND's message and codes.</summary>
public sealed class LndApiException : LightningException
{
    /// <summary>Creates the exception from LND's status.</summary>
    public LndApiException(HttpStatusCode httpStatus, int grpcCode, string message) : base(message)
    {
        HttpStatus = httpStatus;
        GrpcCode = grpcCode;
    }

    /// <summary>Creates the exception.</summary>
    public LndApiException(string message) : base(message) { }

    /// <summary>Creates the exception.</summary>
    public LndApiException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public LndApiException() { }

    /// <summary>The HTTP status of the response.</summary>
    public HttpStatusCode HttpStatus { get; }

    /// <summary>The gRPC code LND reported (5 NOT_FOUND, 3 INVALID_ARGUMENT, 16 UNAUTHENTICATED, ...).</summary>
    public int GrpcCode { get; }

    /// <summary>
    /// The typed exception for an LND error: NOT_FOUND on invoices, invoice-state conflicts and
    /// payment refusals get their own types (matched on LND's own messages); the rest is an
    /// <see cref="LndApiException"/>.
    /// </summary>
    public static LightningException From(HttpStatusCode httpStatus, int grpcCode, string message)
    {
        if (message.Contains("unable to locate invoice", StringComparison.OrdinalIgnoreCase)
            || message.Contains("there are no existing invoices", StringComparison.OrdinalIgnoreCase))
            return new InvoiceNotFoundException(message);
        if (message.Contains("payment isn't initiated", StringComparison.OrdinalIgnoreCase)) return new PaymentNotFoundException(message);
        if (message.Contains("invoice already canceled", StringComparison.OrdinalIgnoreCase)
            || message.Contains("invoice already settled", StringComparison.OrdinalIgnoreCase)
            || message.Contains("invoice still open", StringComparison.OrdinalIgnoreCase))
            return new InvoiceStateException(message);
        string[] refusals = ["invoice expired", "invoice is already paid", "already paid", "payment is in transition",
            "amount must be specified", "amount must not be specified", "self-payments", "invalid payment request", "invalid bech32"];
        if (refusals.Any(r => message.Contains(r, StringComparison.OrdinalIgnoreCase))) return new PaymentRejectedException(message);
        return new LndApiException(httpStatus, grpcCode, message);
    }
}
