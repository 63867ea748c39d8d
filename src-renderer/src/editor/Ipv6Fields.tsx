// IPv6 in "VMnet information": switched on, a network proposes a ULA prefix (VMware's
// fd15:4ba5:5a2b:10NN::/64 for vmnetNN, else a random one) with the host at ::1 and, on NAT,
// the gateway at ::2 (edited in NAT Settings). Guests configure themselves by SLAAC.
import type { RoutedNetwork } from '../../../src-shared/model';
import { Choice, TextField } from '../plain/parts';
import { defaultIpv6, withoutIpv6 } from '../state/draft';
import { fieldError, type ValidationError } from '../state/findings';
import type { Path } from '../../../src-shared/model';

interface Props {
  network: RoutedNetwork;
  base: Path;
  errors: ValidationError[];
  onChange: (network: RoutedNetwork) => void;
}

export function Ipv6Fields({ network, base, errors, onChange }: Props) {
  const ipv6 = network.ipv6;
  return (
    <>
      <Choice
        type="checkbox"
        checked={ipv6 !== undefined}
        onChange={(event) => onChange(event.target.checked ? { ...network, ipv6: defaultIpv6(network) } : withoutIpv6(network))}
        label={network.type === 'nat' ? 'IPv6 for the guests (SLAAC, NAT66)' : 'IPv6 for the guests (SLAAC, no route out)'}
      />
      {ipv6 && (
        <>
          <TextField
            label="IPv6 prefix"
            value={ipv6.prefix}
            onValue={(prefix) => onChange({ ...network, ipv6: { ...ipv6, prefix: prefix.trim() } })}
            problem={fieldError(errors, [...base, 'ipv6', 'prefix'])}
            hint="a /64, unique local (fd…) or global"
            className="p-indent p-wide"
          />
          <TextField
            label="Host IPv6 address"
            value={ipv6.hostAddress}
            onValue={(hostAddress) => onChange({ ...network, ipv6: { ...ipv6, hostAddress: hostAddress.trim() } })}
            problem={fieldError(errors, [...base, 'ipv6', 'hostAddress'])}
            className="p-indent p-wide"
          />
        </>
      )}
    </>
  );
}
