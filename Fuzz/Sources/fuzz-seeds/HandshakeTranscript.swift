import FuzzSupport
import VFPeer

/// A whole connection between the fixed client and server (``FuzzKeys``): each side's
/// handshake messages, then a sync hello and a goodbye in its box stream.
enum HandshakeTranscript {
    static func record() -> (fromClient: [UInt8], fromServer: [UInt8]) {
        var client = FuzzKeys.clientMachine(), server = FuzzKeys.serverMachine()
        var fromClient: [UInt8] = [], fromServer: [UInt8] = []
        var clientResult: HandshakeResult?, serverResult: HandshakeResult?
        var toServer = sent(client.start(), result: &clientResult)
        while !toServer.isEmpty {
            fromClient += toServer
            let toClient = sent(server.receive(toServer), result: &serverResult)
            fromServer += toClient
            toServer = toClient.isEmpty ? [] : sent(client.receive(toClient), result: &clientResult)
        }
        let hello = FrameDecoder.frame(SyncFrame.hello(version: SyncFrame.protocolVersion).encode())
        var clientWriter = BoxStreamWriter(clientResult!.sending), serverWriter = BoxStreamWriter(serverResult!.sending)
        fromClient += clientWriter.seal(hello) + clientWriter.goodbye()
        fromServer += serverWriter.seal(hello) + serverWriter.goodbye()
        return (fromClient, fromServer)
    }

    private static func sent(_ actions: [HandshakeStateMachine.Action], result: inout HandshakeResult?) -> [UInt8] {
        var bytes: [UInt8] = []
        for action in actions {
            switch action {
            case let .send(message): bytes += message
            case let .completed(done): result = done
            case let .failed(error): fatalError("the fixed handshake failed: \(error)")
            case .boxStreamBytes: break
            }
        }
        return bytes
    }
}
