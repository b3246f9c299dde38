// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

// FameEngine benchmark anchor for the FMC token: the OpenZeppelin 5.7.0 governance token given the
// same surface as FMC (capped supply, minters chosen by the deployer, EIP-2612 permit under the
// "FameEngine" / "1" domain, ERC-5805 votes). Only the glue the inheritance requires is written here.

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Capped} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Capped.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";
import {ERC20Votes} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Votes.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

contract OZVotesToken is ERC20, ERC20Capped, ERC20Permit, ERC20Votes {
    address public immutable owner;
    mapping(address => bool) public minters;

    error NotOwner();
    error NotMinter();

    constructor(uint256 cap_, address initialHolder, uint256 initialSupply)
        ERC20("FameEngine", "FMC")
        ERC20Capped(cap_)
        ERC20Permit("FameEngine")
    {
        owner = msg.sender;
        _mint(initialHolder, initialSupply);
    }

    /// Same name and arguments as FMC's, so a benchmark scenario drives both tokens with one code path.
    function set_minter(address minter, bool allowed) external {
        if (msg.sender != owner) revert NotOwner();
        minters[minter] = allowed;
    }

    function mint(address to, uint256 amount) external {
        if (!minters[msg.sender]) revert NotMinter();
        _mint(to, amount);
    }

    function _update(address from, address to, uint256 value)
        internal
        override(ERC20, ERC20Capped, ERC20Votes)
    {
        super._update(from, to, value);
    }

    function nonces(address holder) public view override(ERC20Permit, Nonces) returns (uint256) {
        return super.nonces(holder);
    }
}
