// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// FameEngine benchmark anchor for revenue sharing: OpenZeppelin 4.9.6 PaymentSplitter (ETH is paid
// in with a plain transfer, each payee's part is sent by `release(account)`), deployable as is.

import {PaymentSplitter} from "@openzeppelin/contracts-v4/finance/PaymentSplitter.sol";

contract OZPaymentSplitter is PaymentSplitter {
    constructor(address[] memory payees, uint256[] memory shares_) PaymentSplitter(payees, shares_) {}
}
