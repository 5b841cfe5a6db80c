import * as React from "react";
import { Select } from "@fluentui/react-components";

/**
 * An answer on a numeric scale that starts unanswered ("Choose…"), so a value
 * is never recorded by default. Placed inside a Fluent Field, which labels it.
 */
export function ScaleSelect(props: {
  readonly value: string | number;
  readonly values: readonly number[];
  readonly placeholder: string;
  readonly labelOf?: (value: number) => string;
  readonly onChange: (value: string) => void;
}): React.ReactElement {
  const { value, values, placeholder, labelOf, onChange } = props;
  return (
    <Select value={value} onChange={(_, d) => onChange(d.value)}>
      <option value="">{placeholder}</option>
      {values.map((v) => (
        <option key={v} value={v}>
          {labelOf ? labelOf(v) : v}
        </option>
      ))}
    </Select>
  );
}
