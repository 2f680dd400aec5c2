// An amount of money on screen: pence in, pounds out, digits that line up in columns.
import { formatPence } from "~/domain/money";

type MoneyProps = {
  pence: number;
  /** Show "Free" instead of £0.00, for prices. */
  freeWhenZero?: boolean;
  className?: string;
};

export function Money({ pence, freeWhenZero = false, className }: MoneyProps) {
  const classes = className ? `money ${className}` : "money";
  if (freeWhenZero && pence === 0) return <span className={classes}>Free</span>;
  return <span className={classes}>{formatPence(pence)}</span>;
}
