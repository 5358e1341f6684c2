using L402Train.Lightning.Lnd;

namespace L402Train.Lightning.Facade;

public static partial class SimnetFacade
{
    // lnrpc.SignMessage: the node key signs the message as LND does, so a worker silo whose Lightning backend is a
    // simnet node behind this facade signs its registration like one on LND. single_hash (a raw SHA-256 instead of
    // LND's double hash) is refused: nothing here asks for it, and a signature nobody's verifymessage checks is no use.
    private static async Task<Reply?> SignMessage(RequestContext r)
    {
        var body = await LndRequestBody.ReadAsync(r.Http, LndRequestMessage.SignMessageRequest);
        if (body.Bool("single_hash")) throw new ArgumentException("single_hash: simnet signs as LND's default, over the double SHA-256");
        var message = body.Bytes("msg");
        if (message.Length == 0) throw new ArgumentException("msg is required: the message to sign, base64");
        return new Reply(new LndSignMessageResponse { Signature = await r.Node.SignMessageAsync(message, r.Http.RequestAborted) });
    }
}
