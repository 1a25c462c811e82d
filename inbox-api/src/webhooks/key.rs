//! Reading the webhook public key: PEM armour, base64 and the few DER structures of an RSA
//! public key, so that a wrong key (a private key, an EC key, a certificate, a key too small
//! for RS256 verification) fails when the verifier is built, not as a `BadSignature` on every
//! delivery. Also the base64url decoding of the JWT header. Verifies nothing itself.

use jsonwebtoken::DecodingKey;

/// Smallest and largest RSA modulus, in bits, that RS256 verification accepts (ring's
/// `RSA_PKCS1_2048_8192_SHA256`).
const MODULUS_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

/// DER encoding of the object identifier `rsaEncryption` (1.2.840.113549.1.1.1).
const RSA_ENCRYPTION_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];

const TAG_SEQUENCE: u8 = 0x30;
const TAG_INTEGER: u8 = 0x02;
const TAG_BIT_STRING: u8 = 0x03;
const TAG_OID: u8 = 0x06;

/// Parses a PEM RSA public key (`BEGIN PUBLIC KEY` or `BEGIN RSA PUBLIC KEY`) into a
/// verification key; the error says what is wrong with the key, never what it contains.
pub(super) fn rsa_public_key_from_pem(pem: &str) -> Result<DecodingKey, String> {
    let (label, der) = parse_pem(pem)?;
    let rsa_public_key = match label {
        "PUBLIC KEY" => spki_rsa_public_key(&der)?,
        "RSA PUBLIC KEY" => der.as_slice(),
        label if label.contains("PRIVATE KEY") => {
            return Err("this is a private key; pass the public key (`BEGIN PUBLIC KEY`)".into())
        }
        "CERTIFICATE" => {
            return Err(
                "this is a certificate; pass its public key (`BEGIN PUBLIC KEY`), \
                        e.g. from `openssl x509 -pubkey -noout`"
                    .into(),
            )
        }
        _ => return Err("unexpected PEM block; expected `BEGIN PUBLIC KEY`".into()),
    };
    let (modulus, exponent) = rsa_components(rsa_public_key)?;
    Ok(DecodingKey::from_rsa_raw_components(modulus, exponent))
}

/// Finds the first PEM block and returns its label and decoded contents.
fn parse_pem(text: &str) -> Result<(&str, Vec<u8>), String> {
    const NOT_PEM: &str = "not a PEM key (expected `-----BEGIN PUBLIC KEY-----`)";
    let start = text.find("-----BEGIN ").ok_or(NOT_PEM)?;
    let after_begin = &text[start + "-----BEGIN ".len()..];
    let label_end = after_begin.find("-----").ok_or(NOT_PEM)?;
    let label = &after_begin[..label_end];
    let body_and_rest = &after_begin[label_end + "-----".len()..];
    let end_marker = format!("-----END {label}-----");
    let body_end = body_and_rest
        .find(&end_marker)
        .ok_or("PEM block has no matching END line")?;
    let body: Vec<u8> = body_and_rest[..body_end]
        .bytes()
        .filter(|byte| !byte.is_ascii_whitespace())
        .collect();
    let der = decode_base64(&body, Alphabet::Standard).ok_or("PEM body is not valid base64")?;
    if der.is_empty() {
        return Err("PEM block is empty".into());
    }
    Ok((label, der))
}

/// The `RSAPublicKey` inside a `SubjectPublicKeyInfo`, after checking the algorithm is RSA.
fn spki_rsa_public_key(der: &[u8]) -> Result<&[u8], String> {
    const BAD: &str = "PEM body is not a DER SubjectPublicKeyInfo";
    let mut outer = Der::new(der);
    let spki = outer.read(TAG_SEQUENCE).ok_or(BAD)?;
    if !outer.is_empty() {
        return Err(BAD.into());
    }
    let mut spki = Der::new(spki);
    let algorithm = spki.read(TAG_SEQUENCE).ok_or(BAD)?;
    let key_bits = spki.read(TAG_BIT_STRING).ok_or(BAD)?;
    let oid = Der::new(algorithm).read(TAG_OID).ok_or(BAD)?;
    if oid != RSA_ENCRYPTION_OID {
        return Err(
            "not an RSA public key (RS256 needs RSA; got another key type, e.g. EC)".into(),
        );
    }
    match key_bits.split_first() {
        Some((0, key)) => Ok(key),
        _ => Err(BAD.into()),
    }
}

/// Modulus and exponent of a DER `RSAPublicKey`, without leading zero bytes, after checking
/// that RS256 verification accepts them.
fn rsa_components(der: &[u8]) -> Result<(&[u8], &[u8]), String> {
    const BAD: &str = "not a DER RSA public key";
    let mut outer = Der::new(der);
    let mut sequence = Der::new(outer.read(TAG_SEQUENCE).ok_or(BAD)?);
    let modulus = strip_leading_zeros(sequence.read(TAG_INTEGER).ok_or(BAD)?);
    let exponent = strip_leading_zeros(sequence.read(TAG_INTEGER).ok_or(BAD)?);
    if !outer.is_empty() || !sequence.is_empty() {
        return Err(BAD.into());
    }
    let bits = match modulus.first() {
        Some(first) => modulus.len() * 8 - first.leading_zeros() as usize,
        None => 0,
    };
    if !MODULUS_BITS.contains(&bits) {
        return Err(format!(
            "RSA key of {bits} bits; RS256 verification needs {} to {} bits",
            MODULUS_BITS.start(),
            MODULUS_BITS.end()
        ));
    }
    let exponent_is_odd = exponent.last().is_some_and(|last| last % 2 == 1);
    if exponent.len() > 4 || !exponent_is_odd || exponent == [1] {
        return Err("unsupported RSA public exponent".into());
    }
    Ok((modulus, exponent))
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let first_nonzero = bytes
        .iter()
        .position(|&byte| byte != 0)
        .unwrap_or(bytes.len());
    &bytes[first_nonzero..]
}

/// A cursor over DER-encoded TLV items (definite lengths only, as DER requires).
struct Der<'a> {
    rest: &'a [u8],
}

impl<'a> Der<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Reads the next item if it has tag `tag`, returning its contents.
    fn read(&mut self, tag: u8) -> Option<&'a [u8]> {
        let (&found, rest) = self.rest.split_first()?;
        if found != tag {
            return None;
        }
        let (&first, mut rest) = rest.split_first()?;
        let length = if first < 0x80 {
            usize::from(first)
        } else {
            let count = usize::from(first & 0x7f);
            if count == 0 || count > 4 || rest.len() < count {
                return None;
            }
            let (length_bytes, after) = rest.split_at(count);
            rest = after;
            length_bytes
                .iter()
                .fold(0usize, |length, &byte| (length << 8) | usize::from(byte))
        };
        if rest.len() < length {
            return None;
        }
        let (contents, after) = rest.split_at(length);
        self.rest = after;
        Some(contents)
    }
}

/// Which base64 flavour to decode.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum Alphabet {
    /// `+` and `/`, optional `=` padding (PEM).
    Standard,
    /// `-` and `_`, no padding (JWT, RFC 7515).
    UrlSafeNoPad,
}

/// Decodes base64; `None` when `input` holds anything else.
pub(super) fn decode_base64(input: &[u8], alphabet: Alphabet) -> Option<Vec<u8>> {
    let input = match alphabet {
        Alphabet::Standard => {
            let unpadded = input
                .strip_suffix(b"==")
                .or_else(|| input.strip_suffix(b"="));
            unpadded.unwrap_or(input)
        }
        Alphabet::UrlSafeNoPad => input,
    };
    let mut output = Vec::with_capacity(input.len() / 4 * 3 + 3);
    let mut buffer: u32 = 0;
    let mut buffered_bits = 0;
    for &character in input {
        let value = match (character, alphabet) {
            (b'A'..=b'Z', _) => character - b'A',
            (b'a'..=b'z', _) => character - b'a' + 26,
            (b'0'..=b'9', _) => character - b'0' + 52,
            (b'+', Alphabet::Standard) | (b'-', Alphabet::UrlSafeNoPad) => 62,
            (b'/', Alphabet::Standard) | (b'_', Alphabet::UrlSafeNoPad) => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        buffered_bits += 6;
        if buffered_bits >= 8 {
            buffered_bits -= 8;
            output.push((buffer >> buffered_bits) as u8);
            buffer &= (1 << buffered_bits) - 1;
        }
    }
    // A single character left over cannot encode a byte.
    (buffered_bits < 6).then_some(output)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_decodes_both_alphabets() {
        assert_eq!(decode_base64(b"aGk=", Alphabet::Standard).unwrap(), b"hi");
        assert_eq!(
            decode_base64(b"aGk", Alphabet::UrlSafeNoPad).unwrap(),
            b"hi"
        );
        assert_eq!(
            decode_base64(b"-_8", Alphabet::UrlSafeNoPad).unwrap(),
            [0xfb, 0xff]
        );
        assert_eq!(
            decode_base64(b"+/8=", Alphabet::Standard).unwrap(),
            [0xfb, 0xff]
        );
        assert_eq!(decode_base64(b"aGk=", Alphabet::UrlSafeNoPad), None);
        assert_eq!(decode_base64(b"a", Alphabet::UrlSafeNoPad), None);
        assert_eq!(decode_base64(b"a.b", Alphabet::UrlSafeNoPad), None);
    }

    #[test]
    fn der_rejects_truncated_items() {
        assert_eq!(Der::new(&[0x30, 0x05, 0x01]).read(TAG_SEQUENCE), None);
        assert_eq!(Der::new(&[0x30, 0x81]).read(TAG_SEQUENCE), None);
        assert_eq!(
            Der::new(&[0x30, 0x01, 0x07]).read(TAG_SEQUENCE),
            Some(&[0x07][..])
        );
    }
}
