using System.Runtime.InteropServices;

namespace L402Train.Lightning.Secp256k1;

/// <summary>
/// Bitcoin Core's libsecp256k1 (Debian <c>libsecp256k1-1</c>) through function pointers, so a
/// missing library or a build without the recovery module is detected at start-up, not at the
/// first payment. The context is created once and only read afterwards, which libsecp256k1
/// documents as safe to share across threads.
/// </summary>
internal sealed unsafe class NativeSecp256k1 : Secp256k1Engine
{
    private const string LibraryName = "libsecp256k1.so.1";
    private const uint ContextSignVerify = 0x0301; // SIGN | VERIFY; treated as NONE by 0.2+, required by older builds.
    private const uint Compressed = 0x0102;

    private static readonly Lazy<NativeSecp256k1?> Instance = new(Load);

    private readonly nint context;
    private readonly delegate* unmanaged<nint, byte*, int> seckeyVerify;
    private readonly delegate* unmanaged<nint, byte*, byte*, int> pubkeyCreate;
    private readonly delegate* unmanaged<nint, byte*, nuint*, byte*, uint, int> pubkeySerialize;
    private readonly delegate* unmanaged<nint, byte*, byte*, nuint, int> pubkeyParse;
    private readonly delegate* unmanaged<nint, byte*, byte*, byte*, nint, nint, int> signRecoverable;
    private readonly delegate* unmanaged<nint, byte*, int*, byte*, int> recoverableSerialize;
    private readonly delegate* unmanaged<nint, byte*, byte*, int, int> recoverableParse;
    private readonly delegate* unmanaged<nint, byte*, byte*, byte*, int> recover;
    private readonly delegate* unmanaged<nint, byte*, byte*, int> signatureParseCompact;
    private readonly delegate* unmanaged<nint, byte*, byte*, byte*, int> verify;

    private NativeSecp256k1(nint library)
    {
        var create = (delegate* unmanaged<uint, nint>)NativeLibrary.GetExport(library, "secp256k1_context_create");
        seckeyVerify = (delegate* unmanaged<nint, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ec_seckey_verify");
        pubkeyCreate = (delegate* unmanaged<nint, byte*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ec_pubkey_create");
        pubkeySerialize = (delegate* unmanaged<nint, byte*, nuint*, byte*, uint, int>)NativeLibrary.GetExport(library, "secp256k1_ec_pubkey_serialize");
        pubkeyParse = (delegate* unmanaged<nint, byte*, byte*, nuint, int>)NativeLibrary.GetExport(library, "secp256k1_ec_pubkey_parse");
        signRecoverable = (delegate* unmanaged<nint, byte*, byte*, byte*, nint, nint, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_sign_recoverable");
        recoverableSerialize = (delegate* unmanaged<nint, byte*, int*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_recoverable_signature_serialize_compact");
        recoverableParse = (delegate* unmanaged<nint, byte*, byte*, int, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_recoverable_signature_parse_compact");
        recover = (delegate* unmanaged<nint, byte*, byte*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_recover");
        signatureParseCompact = (delegate* unmanaged<nint, byte*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_signature_parse_compact");
        verify = (delegate* unmanaged<nint, byte*, byte*, byte*, int>)NativeLibrary.GetExport(library, "secp256k1_ecdsa_verify");
        context = create(ContextSignVerify);
        if (context == 0) throw new InvalidOperationException("secp256k1_context_create returned null.");
    }

    /// <summary>The shared native engine, or null when the library or its recovery module is missing.</summary>
    internal static NativeSecp256k1? TryCreate() => Instance.Value;

    private static NativeSecp256k1? Load()
    {
        if (!NativeLibrary.TryLoad(LibraryName, out var library)) return null;
        try
        {
            return new NativeSecp256k1(library);
        }
        catch (EntryPointNotFoundException)
        {
            // Built without the recovery module: BOLT11 needs it, so the managed engine takes over.
            return null;
        }
    }

    public override string Name => "libsecp256k1";

    public override bool IsValidSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (secretKey.Length != 32) return false;
        fixed (byte* key = secretKey) return seckeyVerify(context, key) == 1;
    }

    public override byte[] GetPublicKey(ReadOnlySpan<byte> secretKey)
    {
        RequireSecretKey(secretKey);
        var pubkey = stackalloc byte[64];
        var output = new byte[33];
        nuint length = 33;
        fixed (byte* key = secretKey)
        fixed (byte* outPtr = output)
        {
            if (pubkeyCreate(context, pubkey, key) != 1) throw new ArgumentException("Invalid secret key.", nameof(secretKey));
            pubkeySerialize(context, outPtr, &length, pubkey, Compressed);
        }
        return output;
    }

    public override RecoverableSignature Sign(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> secretKey)
    {
        RequireHash(hash32);
        RequireSecretKey(secretKey);
        var signature = stackalloc byte[65];
        var compact = new byte[64];
        int recoveryId;
        fixed (byte* msg = hash32)
        fixed (byte* key = secretKey)
        fixed (byte* outPtr = compact)
        {
            if (signRecoverable(context, signature, msg, key, 0, 0) != 1)
                throw new ArgumentException("Invalid secret key.", nameof(secretKey));
            recoverableSerialize(context, outPtr, &recoveryId, signature);
        }
        return new RecoverableSignature(compact, recoveryId);
    }

    public override byte[]? Recover(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> compact64, int recoveryId)
    {
        RequireHash(hash32);
        if (compact64.Length != 64 || recoveryId is < 0 or > 3) return null;
        var signature = stackalloc byte[65];
        var pubkey = stackalloc byte[64];
        var output = new byte[33];
        nuint length = 33;
        fixed (byte* msg = hash32)
        fixed (byte* sig = compact64)
        fixed (byte* outPtr = output)
        {
            if (recoverableParse(context, signature, sig, recoveryId) != 1) return null;
            if (recover(context, pubkey, signature, msg) != 1) return null;
            pubkeySerialize(context, outPtr, &length, pubkey, Compressed);
        }
        return output;
    }

    public override bool Verify(ReadOnlySpan<byte> hash32, ReadOnlySpan<byte> compact64, ReadOnlySpan<byte> publicKey33)
    {
        RequireHash(hash32);
        if (compact64.Length != 64 || publicKey33.Length != 33) return false;
        var signature = stackalloc byte[64];
        var pubkey = stackalloc byte[64];
        fixed (byte* msg = hash32)
        fixed (byte* sig = compact64)
        fixed (byte* pub = publicKey33)
        {
            if (pubkeyParse(context, pubkey, pub, 33) != 1) return false;
            if (signatureParseCompact(context, signature, sig) != 1) return false;
            return verify(context, signature, msg, pubkey) == 1;
        }
    }

    private static void RequireHash(ReadOnlySpan<byte> hash32)
    {
        if (hash32.Length != 32) throw new ArgumentException("The message hash is 32 bytes.", nameof(hash32));
    }

    private void RequireSecretKey(ReadOnlySpan<byte> secretKey)
    {
        if (!IsValidSecretKey(secretKey)) throw new ArgumentException("A secret key is 32 bytes in [1, n-1].", nameof(secretKey));
    }
}
