// The ledger: double-entry transfers between accounts, the one way money moves in Playpass.
export { postTransfer, postTransfers, type TransferInput, type PostedTransfer } from "./transfers";
export {
  councilAccountId,
  programmeBudgetAccountId,
  providerPayableAccountId,
  providerPayableAccountIds,
  createWalletAccount,
  createHoldAccount,
  balanceOf,
  walletBalances,
} from "./accounts";
export { verifyLedger, type LedgerReport } from "./invariants";
export { walletStatement, type WalletStatement, type StatementEntry, type StatementEntryType } from "./statement";
