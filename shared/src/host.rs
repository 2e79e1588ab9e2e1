//! Which hosts are this machine: the one place the page's, the CLI's and the Lambda's "plain
//! HTTP only to loopback" rules agree on.

/// Whether `host`, as a parsed URL gives it (lowercased, an IPv6 address in brackets), is this
/// machine: `localhost` or a loopback address (127.0.0.0/8, `::1`).
pub fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<core::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::is_loopback;

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "127.0.0.1", "127.1.2.3", "[::1]", "::1"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["", "localhost.example", "10.0.0.1", "[::2]", "example.com", "0.0.0.0"] {
            assert!(!is_loopback(host), "{host}");
        }
    }
}
