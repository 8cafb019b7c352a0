//! Kubernetes resource quantities (`k8s.io/apimachinery/pkg/api/resource`): parsing, comparing
//! and the canonical spelling (`Quantity.String()`) that messages quote.
//!
//! Values are held in nano-units, as the API server rounds anything finer up to a nano.

/// A parsed quantity: its value in nano-units and the suffix family it was written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quantity {
    pub nanos: i128,
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    BinarySi,
    DecimalSi,
    DecimalExponent,
}

const NANO: i128 = 1_000_000_000;

impl Quantity {
    /// Parses `500m`, `1Gi`, `1e3`, `+2.5`. `None` for anything the API server refuses to decode.
    pub fn parse(text: &str) -> Option<Quantity> {
        let text = text.trim();
        let (negative, rest) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let number_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let (number, suffix) = rest.split_at(number_end);
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return None;
        }
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        // Mantissa as an integer and a power of ten.
        let digits = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        if digits.len() > 30 {
            return None;
        }
        let mantissa: i128 = if digits.is_empty() {
            0
        } else {
            digits.parse().ok()?
        };
        let mut exp10: i32 = -(fraction.len() as i32);
        let (format, binary): (Format, i128) = match suffix {
            "" => (Format::DecimalSi, 1),
            "n" => {
                exp10 -= 9;
                (Format::DecimalSi, 1)
            }
            "u" => {
                exp10 -= 6;
                (Format::DecimalSi, 1)
            }
            "m" => {
                exp10 -= 3;
                (Format::DecimalSi, 1)
            }
            "k" => {
                exp10 += 3;
                (Format::DecimalSi, 1)
            }
            "M" => {
                exp10 += 6;
                (Format::DecimalSi, 1)
            }
            "G" => {
                exp10 += 9;
                (Format::DecimalSi, 1)
            }
            "T" => {
                exp10 += 12;
                (Format::DecimalSi, 1)
            }
            "P" => {
                exp10 += 15;
                (Format::DecimalSi, 1)
            }
            "E" => {
                exp10 += 18;
                (Format::DecimalSi, 1)
            }
            "Ki" => (Format::BinarySi, 1 << 10),
            "Mi" => (Format::BinarySi, 1 << 20),
            "Gi" => (Format::BinarySi, 1 << 30),
            "Ti" => (Format::BinarySi, 1 << 40),
            "Pi" => (Format::BinarySi, 1 << 50),
            "Ei" => (Format::BinarySi, 1 << 60),
            s if s.starts_with(['e', 'E']) => {
                let e: i32 = s[1..].parse().ok()?;
                if e.abs() > 30 {
                    return None;
                }
                exp10 += e;
                (Format::DecimalExponent, 1)
            }
            _ => return None,
        };
        let scaled = mantissa.checked_mul(binary)?;
        let total_exp = exp10 + 9;
        let nanos = if total_exp >= 0 {
            scaled.checked_mul(10i128.checked_pow(total_exp as u32)?)?
        } else {
            let div = 10i128.checked_pow((-total_exp) as u32)?;
            // Rounded up, as the API server does.
            (scaled + div - 1) / div
        };
        Some(Quantity {
            nanos: if negative { -nanos } else { nanos },
            format,
        })
    }

    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    pub fn is_zero(&self) -> bool {
        self.nanos == 0
    }

    /// Whether the value is a whole number of base units.
    pub fn is_integer(&self) -> bool {
        self.nanos % NANO == 0
    }

    /// The canonical spelling: the largest suffix that keeps the number whole.
    pub fn canonical(&self) -> String {
        let sign = if self.nanos < 0 { "-" } else { "" };
        let n = self.nanos.abs();
        if n == 0 {
            return "0".to_string();
        }
        if self.format == Format::BinarySi && n % NANO == 0 {
            let units = n / NANO;
            if units >= 1024 {
                let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];
                let mut value = units;
                let mut i = 0;
                while i + 1 < suffixes.len() && value % 1024 == 0 {
                    value /= 1024;
                    i += 1;
                }
                return format!("{sign}{value}{}", suffixes[i]);
            }
        }
        // Decimal: value = n × 10^-9; find the largest exponent (multiple of 3) keeping it whole.
        let mut value = n;
        let mut exp = -9;
        while value % 1000 == 0 && exp < 18 {
            value /= 1000;
            exp += 3;
        }
        if self.format == Format::DecimalExponent {
            return if exp == 0 {
                format!("{sign}{value}")
            } else {
                format!("{sign}{value}e{exp}")
            };
        }
        let suffix = match exp {
            -9 => "n",
            -6 => "u",
            -3 => "m",
            3 => "k",
            6 => "M",
            9 => "G",
            12 => "T",
            15 => "P",
            18 => "E",
            _ => "",
        };
        format!("{sign}{value}{suffix}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &str) -> Quantity {
        Quantity::parse(s).unwrap()
    }

    #[test]
    fn parses_and_compares_like_the_api_server() {
        assert_eq!(q("500m").nanos, 500_000_000);
        assert_eq!(q("0.5").nanos, q("500m").nanos);
        assert_eq!(q("1Gi").nanos, 1_073_741_824 * NANO);
        assert_eq!(q("1e3").nanos, q("1k").nanos);
        assert!(q("-1").is_negative());
        assert!(Quantity::parse("1GB").is_none());
        assert!(Quantity::parse("abc").is_none());
        assert!(!q("512m").is_integer());
    }

    #[test]
    fn canonical_spelling() {
        assert_eq!(q("2").canonical(), "2");
        assert_eq!(q("0.5").canonical(), "500m");
        assert_eq!(q("2000").canonical(), "2k");
        assert_eq!(q("1500").canonical(), "1500");
        assert_eq!(q("1Gi").canonical(), "1Gi");
        assert_eq!(q("1024Mi").canonical(), "1Gi");
        assert_eq!(q("-512Mi").canonical(), "-512Mi");
    }
}
