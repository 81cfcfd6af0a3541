/// Which end of the connection a peer plays during the handshake. The
/// distinction disappears once the box streams are running.
public enum HandshakeRole: String, Sendable, Hashable {
    /// Opened the connection and must know the server's public key beforehand.
    case client
    /// Accepted the connection and learns the client's identity in message 3.
    case server
}
