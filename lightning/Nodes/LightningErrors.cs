namespace L402Train.Lightning;

/// <summary>The node has no invoice with that payment hash (LND: "unable to locate invoice", gRPC NOT_FOUND).</summary>
public sealed class InvoiceNotFoundException : LightningException
{
    /// <summary>Creates the exception with the node's message.</summary>
    public InvoiceNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with the node's message and the cause.</summary>
    public InvoiceNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public InvoiceNotFoundException() { }
}

/// <summary>
/// The invoice is in a state that forbids the call: settling a CANCELED or still OPEN invoice,
/// cancelling a SETTLED one (LND: "invoice already canceled", "invoice still open", "invoice already settled").
/// </summary>
public sealed class InvoiceStateException : LightningException
{
    /// <summary>Creates the exception with the node's message.</summary>
    public InvoiceStateException(string message) : base(message) { }

    /// <summary>Creates the exception with the node's message and the cause.</summary>
    public InvoiceStateException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public InvoiceStateException() { }
}

/// <summary>
/// The payer's node refused to start a payment (LND answers these as RPC errors, not as a FAILED
/// payment): the invoice is malformed or expired, already paid or in flight, pays this node itself,
/// or the amount is missing for an amountless invoice or given for a fixed one.
/// </summary>
public sealed class PaymentRejectedException : LightningException
{
    /// <summary>Creates the exception with the node's message.</summary>
    public PaymentRejectedException(string message) : base(message) { }

    /// <summary>Creates the exception with the node's message and the cause.</summary>
    public PaymentRejectedException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public PaymentRejectedException() { }
}

/// <summary>The node never sent a payment with that hash (LND: "payment isn't initiated", gRPC NOT_FOUND).</summary>
public sealed class PaymentNotFoundException : LightningException
{
    /// <summary>Creates the exception with the node's message.</summary>
    public PaymentNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with the node's message and the cause.</summary>
    public PaymentNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception.</summary>
    public PaymentNotFoundException() { }
}
