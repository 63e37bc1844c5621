//! Who is asking and from where, read from the request.

use std::net::IpAddr;

/// Who is asking and from where: recorded with every login and audit event.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    pub ip: Option<IpAddr>,
    pub user_agent: Option<String>,
    pub cookie_header: Option<String>,
}

impl RequestMeta {
    /// From a request's headers and the connection's peer address (in its extensions).
    pub fn of(headers: &http::HeaderMap, extensions: &http::Extensions, proxy_hops: usize) -> Self {
        let header =
            |name: http::header::HeaderName| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        let peer = extensions.get::<axum::extract::ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        RequestMeta {
            ip: client_ip(headers, peer, proxy_hops),
            user_agent: header(http::header::USER_AGENT).map(|ua| ua.chars().take(300).collect()),
            cookie_header: header(http::header::COOKIE),
        }
    }
}

/// The client's address: with `hops` trusted proxies, the `hops`-th `X-Forwarded-For` entry from
/// the right (the one the outermost trusted proxy appended); the peer when there are none or the
/// header is shorter than the proxies that must have written it.
pub fn client_ip(headers: &http::HeaderMap, peer: Option<IpAddr>, hops: usize) -> Option<IpAddr> {
    if hops == 0 {
        return peer;
    }
    // Several headers are one list, in order.
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    match entries.len().checked_sub(hops) {
        Some(i) => entries[i].parse().ok().or(peer),
        None => peer,
    }
}

#[cfg(test)]
mod tests {
    use super::client_ip;

    #[test]
    fn the_client_address_is_the_one_the_trusted_proxy_appended() {
        let mut h = http::HeaderMap::new();
        // The client wrote 6.6.6.6 itself; our proxy appended the address it saw.
        h.insert("x-forwarded-for", "6.6.6.6, 203.0.113.7".parse().unwrap());
        let peer = Some("10.0.0.2".parse().unwrap());
        assert_eq!(client_ip(&h, peer, 1), Some("203.0.113.7".parse().unwrap()));
        assert_eq!(client_ip(&h, peer, 0), peer, "no proxy: the header is ignored");
        // Two proxies (CDN, then the load balancer): the CDN's entry is the client's.
        h.insert("x-forwarded-for", "6.6.6.6, 198.51.100.9, 10.0.0.1".parse().unwrap());
        assert_eq!(client_ip(&h, peer, 2), Some("198.51.100.9".parse().unwrap()));
        // A header shorter than the proxy chain was not written by it.
        assert_eq!(client_ip(&h, peer, 5), peer);
        h.insert("x-forwarded-for", "not-an-ip".parse().unwrap());
        assert_eq!(client_ip(&h, peer, 1), peer);
    }
}
