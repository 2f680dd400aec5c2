// A star rating shown as stars with its number spoken, so it never depends on the picture alone.
type StarsProps = { value: number; max?: number };

export function Stars({ value, max = 5 }: StarsProps) {
  return (
    <span className="stars">
      <span aria-hidden="true">
        {"★".repeat(value)}
        <span className="stars__empty">{"☆".repeat(Math.max(0, max - value))}</span>
      </span>
      <span className="visually-hidden">
        {value} out of {max} stars
      </span>
    </span>
  );
}
